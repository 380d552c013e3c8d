using Hybrid.InMemory.Tenants;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Tenants;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Catalogue;

/// <summary>The tenant catalogue's contract, written once and run against every implementation.</summary>
public abstract class TenantCatalogueContract : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    private ITenantCatalogue? _catalogue;

    protected ITenantCatalogue Catalogue => _catalogue!;

    protected abstract Task<ITenantCatalogue> CreateAsync();

    public async Task InitializeAsync() => _catalogue = await CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_registered_tenant_is_listed_once_with_when_it_was_first_registered()
    {
        var tenant = Tenants.Fresh();
        Assert.True(await Catalogue.Register(tenant, default));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.False(await Catalogue.Register(tenant, default));

        var entry = Assert.Single(await Catalogue.List(default), e => e.Tenant == tenant);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero), entry.RegisteredAt);
    }

    [Fact]
    public async Task tenants_are_listed_in_ordinal_order_of_their_ids()
    {
        var ids = new[] { "b-" + Guid.NewGuid().ToString("N"), "A-" + Guid.NewGuid().ToString("N"), "a-" + Guid.NewGuid().ToString("N") };
        foreach (var id in ids) await Catalogue.Register(id, default);
        var listed = (await Catalogue.List(default)).Select(e => e.Tenant).Where(ids.Contains).ToArray();
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task a_malformed_tenant_id_is_refused_naming_it_and_nothing_is_registered()
    {
        var before = (await Catalogue.List(default)).Length;
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Catalogue.Register("no/slashes", default));
        Assert.Contains("no/slashes", error.Message);
        Assert.Equal(before, (await Catalogue.List(default)).Length);
    }
}

public sealed class InMemoryTenantCatalogueTests : TenantCatalogueContract
{
    protected override Task<ITenantCatalogue> CreateAsync() => Task.FromResult<ITenantCatalogue>(new InMemoryTenantCatalogue(Clock));
}

public sealed class PostgresTenantCatalogueTests : TenantCatalogueContract
{
    protected override async Task<ITenantCatalogue> CreateAsync()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync("hybrid_tenants");
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await using (await PostgresEventStore.CreateAsync(options)) { }
        return new PostgresTenantCatalogue(options.ConnectionString, options.Schema, Clock);
    }
}
