using Hybrid.Shell.Routing;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>The in-process tenancy map: configuration errors, unknown tenants, run-time assignments.</summary>
public sealed class TenancyMapTests
{
    [Fact]
    public void a_map_naming_a_database_that_is_not_configured_is_refused_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new TenancyMap(["a"], new Dictionary<string, string> { ["t1"] = "z" }));
        Assert.Contains("'z'", error.Message);
        Assert.Throws<ArgumentException>(() => new TenancyMap(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new TenancyMap([], defaultDatabase: null));
        Assert.Throws<ArgumentException>(() => new TenancyMap(["a"], defaultDatabase: "b"));
    }

    [Fact]
    public async Task without_a_default_an_unknown_tenant_is_refused_and_a_malformed_one_gets_the_format_error()
    {
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "b" });
        Assert.Equal("b", await map.DatabaseOf("t1", default));
        var unknown = await Assert.ThrowsAsync<UnknownTenantException>(async () => await map.DatabaseOf("t9", default));
        Assert.Equal("t9", unknown.Tenant);
        await Assert.ThrowsAsync<UnknownTenantException>(() => map.Register("t9", default));
        var malformed = await Assert.ThrowsAsync<InvalidInputException>(async () => await map.DatabaseOf("no spaces", default));
        Assert.IsNotType<UnknownTenantException>(malformed);
    }

    [Fact]
    public async Task with_a_default_new_tenants_are_created_there_and_assignments_take_effect_at_once()
    {
        var map = new TenancyMap(["a", "b"], defaultDatabase: "a");
        Assert.True(await map.Register("n1", default));
        Assert.False(await map.Register("n1", default));
        Assert.Equal("a", await map.DatabaseOf("n2", default));
        await map.Assign("n2", "b", default);
        Assert.Equal("b", await map.DatabaseOf("n2", default));
        Assert.Equal(["n1", "n2"], (await map.List(default)).Select(e => e.Tenant));
        await Assert.ThrowsAsync<ArgumentException>(async () => await map.Assign("n3", "z", default));
    }
}
