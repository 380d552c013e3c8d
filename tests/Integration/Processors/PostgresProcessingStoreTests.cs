using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Processors;

public sealed class PostgresProcessingStoreTests
{
    private static async Task<string> AppConnection() => (await Database()).App;

    private static async Task<(string Admin, string App)> Database()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync("hybrid_proc");
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await (await PostgresEventStore.CreateAsync(options)).DisposeAsync();
        await PostgresMigrations.ApplyAsync(admin); // idempotent
        return (admin, options.ConnectionString);
    }

    [Fact]
    public async Task the_tenant_column_of_a_lease_follows_the_cores_resource_names()
    {
        var (admin, app) = await Database();
        await using var leases = new PostgresLeaseStore(app);
        var perTenant = TestProcessors.Invoicer();
        var sharded = perTenant.WithSharding(Sharding.NewShards(2));
        string[] tenants = ["acme", "tenant:with:colons", "a.b-c_d", "x/y"];
        var expected = new List<(string Resource, string? Tenant)>();
        foreach (var (resource, tenant) in TodoProcessorModule.leaseResources(perTenant, tenants).Zip(tenants))
            expected.Add((resource, tenant));
        foreach (var resource in TodoProcessorModule.leaseResources(sharded, tenants))
            expected.Add((resource, null));
        foreach (var (resource, _) in expected)
            Assert.NotNull(await leases.TryAcquire(resource, "n1", TimeSpan.FromSeconds(30), default));

        await using var connection = await Sql.OpenAsync(admin);
        foreach (var (resource, tenant) in expected)
        {
            var stored = await connection.ScalarAsync("SELECT tenant_id FROM hybrid.processor_leases WHERE resource = @r", ("r", resource));
            Assert.Equal(tenant, stored is DBNull ? null : (string?)stored);
            if (tenant is not null)
                Assert.Equal(tenant, Assert.Single(TodoProcessorModule.tenantsOf(perTenant, resource, tenants)));
        }
    }

    [Fact]
    public async Task leases_are_exclusive_renewable_and_each_new_grant_raises_the_fencing_token()
    {
        await using var leases = new PostgresLeaseStore(await AppConnection());
        var first = (await leases.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
        Assert.Null(await leases.TryAcquire("processor/p/tenant:a", "n2", TimeSpan.FromSeconds(30), default));
        var again = (await leases.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
        Assert.Equal(first.FencingToken, again.FencingToken);
        Assert.NotNull(await leases.Renew(first, TimeSpan.FromSeconds(30), default));
        Assert.Single(await leases.List("processor/p/", default));

        await leases.Release(first, default);
        Assert.Empty(await leases.List("processor/p/", default));
        Assert.Null(await leases.Renew(first, TimeSpan.FromSeconds(30), default));
        var second = (await leases.TryAcquire("processor/p/tenant:a", "n2", TimeSpan.FromMilliseconds(200), default))!.Value;
        Assert.Equal(first.FencingToken + 1, second.FencingToken);

        await Task.Delay(400);
        var third = (await leases.TryAcquire("processor/p/tenant:a", "n1", TimeSpan.FromSeconds(30), default))!.Value;
        Assert.Equal(second.FencingToken + 1, third.FencingToken);
        Assert.Null(await leases.Renew(second, TimeSpan.FromSeconds(30), default));
    }

    [Fact]
    public async Task dead_letters_round_trip_and_replace_by_tenant_processor_and_position()
    {
        await using var letters = new PostgresDeadLetterStore(await AppConnection());
        var at = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var letter = new DeadLetter("acme", "invoicer", 7, Guid.CreateVersion7(), "OrderPlaced", "boom", 3, at, DeadLetterStatus.Pending);
        await letters.Put(letter, default);
        var other = new DeadLetter("globex", "invoicer", 7, letter.EventId, "OrderPlaced", "boom", 3, at, DeadLetterStatus.Pending);
        await letters.Put(other, default);
        await letters.Put(letter.WithStatus(DeadLetterStatus.Replayed), default);

        Assert.Equal(DeadLetterStatus.Replayed, (await letters.TryGet("acme", "invoicer", 7, default))!.Value.Status);
        Assert.Equal(2, (await letters.List(null, null, default)).Length);
        Assert.Equal(other, Assert.Single(await letters.List("globex", "invoicer", default)));
        Assert.Null(await letters.TryGet("acme", "invoicer", 8, default));
    }
}
