using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Hybrid.Tests.Integration.Routing;

using static Eventually;

/// <summary>The tenancy map kept in the catalogue database and shared by several nodes (one map object per node here).</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class SharedTenancyMapTests(TwoClusters clusters)
{
    private static PostgresTenancyMap Node(PostgresDatabase[] databases, string? defaultDatabase = null, TimeProvider? clock = null,
        TimeSpan? maxStaleness = null) =>
        new(databases[0], databases.Select(d => d.Name),
            new PostgresTenancyMapOptions { DefaultDatabase = defaultDatabase, MaxStaleness = maxStaleness ?? TimeSpan.FromSeconds(5) }, clock);

    [Fact]
    public async Task a_tenant_added_on_one_node_is_routed_by_every_node_at_once_and_the_catalogue_database_is_migrated_on_first_use()
    {
        var databases = await clusters.NewDatabasesAsync("map_add");
        await using var one = Node(databases, defaultDatabase: "a");
        await using var two = Node(databases);

        await one.Assign("t9", "b", default);
        Assert.Equal("b", await two.DatabaseOf("t9", default));
        Assert.Equal("a", await one.DatabaseOf("created", default));
        Assert.Equal("a", await two.DatabaseOf("created", default));
        Assert.Equal(["created", "t9"], (await two.List(default)).Select(e => e.Tenant));

        var unknown = await Assert.ThrowsAsync<UnknownTenantException>(() => two.DatabaseOf("ghost", default).AsTask());
        Assert.Contains("'ghost'", unknown.Message);
        await Assert.ThrowsAsync<InvalidInputException>(() => two.DatabaseOf("bad tenant!", default).AsTask());
        var repointed = await Assert.ThrowsAsync<InvalidOperationException>(() => two.Assign("t9", "a", default).AsTask());
        Assert.Contains("only by a move", repointed.Message);
    }

    [Fact]
    public async Task a_route_changed_on_one_node_reaches_the_other_by_notification_with_its_version_raised()
    {
        var databases = await clusters.NewDatabasesAsync("map_notify");
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var one = Node(databases);
        await using var two = Node(databases, clock: frozen, maxStaleness: TimeSpan.FromDays(1));
        await one.Assign("t1", "a", default);
        Assert.Equal("a", await two.DatabaseOf("t1", default));
        var before = await one.RouteOf("t1", default);

        var moving = await one.BeginMove("t1", "b", default);
        Assert.Equal(("a", "b", before.Version + 1), (moving.Database, moving.MovingTo, moving.Version));
        await Assert.ThrowsAsync<InvalidOperationException>(() => two.BeginMove("t1", "a", default).AsTask());
        await one.CompleteMove("t1", default);

        await Until(async () => await two.DatabaseOf("t1", default) == "b", "the other node follows the switch without a reload");
        Assert.Equal(new TenantRoute("t1", "b", before.Version + 2), await two.RouteOf("t1", default));
    }

    [Fact]
    public async Task a_copy_older_than_the_staleness_bound_is_read_again_before_it_routes()
    {
        var databases = await clusters.NewDatabasesAsync("map_stale");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = Node(databases, clock: clock, maxStaleness: TimeSpan.FromSeconds(5));
        await node.Assign("t1", "a", default);
        Assert.Equal("a", await node.DatabaseOf("t1", default));
        await using (var connection = new NpgsqlConnection(databases[0].MigrationConnectionString))
        {
            // A change whose notification this node missed.
            await connection.OpenAsync();
            await using var change = new NpgsqlCommand("UPDATE hybrid.tenant_catalogue SET database = 'b', route_version = route_version + 1 WHERE tenant_id = 't1'", connection);
            await change.ExecuteNonQueryAsync();
        }
        Assert.Equal("a", await node.DatabaseOf("t1", default));
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal("b", await node.DatabaseOf("t1", default));
    }
}
