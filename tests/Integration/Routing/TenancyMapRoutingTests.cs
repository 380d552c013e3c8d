using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Hybrid.Tests.Integration.Hosting;
using Npgsql;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>The routing store over two databases on two clusters: where each tenant's data lands, and bad routes.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class TenancyMapRoutingTests(TwoClusters clusters)
{
    private static RoutingEventStore Routes(PostgresDatabase[] databases, TenancyMap map) =>
        new(map, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System));

    private static async Task<long> CountRows(PostgresDatabase database, string table, string tenant)
    {
        await using var connection = new NpgsqlConnection(database.MigrationConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM hybrid.{table} WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task each_tenants_events_and_checkpoints_land_only_in_its_database_which_is_migrated_on_first_use()
    {
        var databases = await clusters.NewDatabasesAsync("route_land");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a", ["t2"] = "b" });
        var routes = Routes(databases, map);
        await using var _ = routes.Databases;

        await ProcessingDatabase.PlaceOrder(routes, "t1", "o1");
        await ProcessingDatabase.PlaceOrder(routes, "t2", "o1");
        await ProcessingDatabase.PlaceOrder(routes, "t2", "o2");
        Assert.True((await routes.WriteCheckpoint("t2", new CheckpointWrite("p", 2, 1), default)).IsOk);

        Assert.Equal(1, await CountRows(databases[0], "events", "t1"));
        Assert.Equal(0, await CountRows(databases[0], "events", "t2"));
        Assert.Equal(2, await CountRows(databases[1], "events", "t2"));
        Assert.Equal(0, await CountRows(databases[1], "events", "t1"));
        Assert.Equal(1, await CountRows(databases[1], "checkpoints", "t2"));
        Assert.Equal(0, await CountRows(databases[0], "checkpoints", "t2"));
        Assert.Equal(["t1", "t2"], await routes.GetTenants(default));
        Assert.Equal(2, (await routes.Read("t2", EventQuery.All, default)).Length);
    }

    [Fact]
    public async Task an_unknown_tenant_fails_with_a_typed_error_naming_it_and_nothing_is_written_anywhere()
    {
        var databases = await clusters.NewDatabasesAsync("route_unknown");
        var map = new TenancyMap(["a", "b"], new Dictionary<string, string> { ["t1"] = "a" });
        var routes = Routes(databases, map);
        await using var _ = routes.Databases;
        await ProcessingDatabase.PlaceOrder(routes, "t1", "o1");

        var error = await Assert.ThrowsAsync<UnknownTenantException>(() => ProcessingDatabase.PlaceOrder(routes, "ghost", "o1"));
        Assert.Contains("'ghost'", error.Message);
        Assert.IsAssignableFrom<InvalidInputException>(error);
        await Assert.ThrowsAsync<UnknownTenantException>(() => routes.Read("ghost", EventQuery.All, default));
        Assert.Equal(0, await CountRows(databases[0], "events", "ghost"));
        Assert.Equal(["t1"], await routes.GetTenants(default));
        var malformed = await Assert.ThrowsAsync<InvalidInputException>(() => ProcessingDatabase.PlaceOrder(routes, "bad tenant!", "o1"));
        Assert.IsNotType<UnknownTenantException>(malformed);
    }

    [Fact]
    public async Task tenants_added_at_run_time_go_to_the_default_or_the_assigned_database_without_a_restart()
    {
        var databases = await clusters.NewDatabasesAsync("route_add");
        var map = new TenancyMap(["a", "b"], defaultDatabase: "a");
        var routes = Routes(databases, map);
        await using var _ = routes.Databases;

        await ProcessingDatabase.PlaceOrder(routes, "new1", "o1");
        await map.Assign("new2", "b", default);
        await ProcessingDatabase.PlaceOrder(routes, "new2", "o1");

        Assert.Equal(1, await CountRows(databases[0], "events", "new1"));
        Assert.Equal(1, await CountRows(databases[1], "events", "new2"));
        Assert.Equal(0, await CountRows(databases[0], "events", "new2"));
        Assert.Equal(["new1", "new2"], (await map.List(default)).Select(e => e.Tenant));
    }

    [Fact]
    public async Task a_map_pointing_at_an_unreachable_database_fails_that_tenants_calls_as_unavailable_and_never_writes_elsewhere()
    {
        var databases = await clusters.NewDatabasesAsync("route_unreachable");
        var nowhere = PostgresDatabase.ForAdmin("c", new NpgsqlConnectionStringBuilder(databases[0].MigrationConnectionString)
            { Port = FreePort(), Timeout = 2 }.ConnectionString);
        var map = new TenancyMap(["a", "c"], new Dictionary<string, string> { ["t1"] = "a", ["t3"] = "c" });
        var routes = Routes([databases[0], nowhere], map);
        await using var _ = routes.Databases;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ProcessingDatabase.PlaceOrder(routes, "t3", "o1"));
        Assert.True(StoreFailures.IsUnavailable(error));
        Assert.Contains("Tenant 't3'", error.Message);
        Assert.Contains("database 'c'", error.Message);
        await ProcessingDatabase.PlaceOrder(routes, "t1", "o1");
        Assert.Equal(0, await CountRows(databases[0], "events", "t3"));
        Assert.Equal(["t1"], await routes.GetTenants(default));
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
