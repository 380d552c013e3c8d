using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;
using Hybrid.Tests.Integration.Hosting;
using Npgsql;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>A move stopped after each of its steps (as if its process died), then resumed or rolled back by another node.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class InterruptedTenantMoveTests(TwoClusters clusters)
{
    private sealed record Node(PostgresTenancyMap Map, RoutingEventStore Routes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Routes.Databases.DisposeAsync();
            await Map.DisposeAsync();
        }
    }

    private static Node Start(PostgresDatabase[] databases)
    {
        var map = new PostgresTenancyMap(databases[0], databases.Select(d => d.Name));
        var routes = new RoutingEventStore(map, PostgresTenantDatabases.Create(databases, new PostgresHybridOptions(), TimeProvider.System))
        {
            Fenced = new FencedWrites(map) { Patience = TimeSpan.FromMilliseconds(300) },
        };
        return new Node(map, routes);
    }

    internal static async Task<long> Rows(PostgresDatabase database, string tenant)
    {
        await using var connection = new NpgsqlConnection(database.MigrationConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM hybrid.events WHERE tenant_id = @t) + (SELECT count(*) FROM hybrid.checkpoints WHERE tenant_id = @t)", connection);
        command.Parameters.AddWithValue("t", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData(TenantMoveStep.Begun, true)]
    [InlineData(TenantMoveStep.Fenced, true)]
    [InlineData(TenantMoveStep.Copied, true)]
    [InlineData(TenantMoveStep.Switched, true)]
    [InlineData(TenantMoveStep.Begun, false)]
    [InlineData(TenantMoveStep.Fenced, false)]
    [InlineData(TenantMoveStep.Copied, false)]
    [InlineData(TenantMoveStep.Switched, false)]
    public async Task a_move_stopped_after_a_step_is_resumed_or_rolled_back_by_another_node_and_loses_and_duplicates_nothing(TenantMoveStep step, bool resume)
    {
        var databases = await clusters.NewDatabasesAsync($"move_stop_{(int)step}_{resume}".ToLowerInvariant());
        await using var first = Start(databases);
        await first.Map.Assign("t1", "a", default);
        for (var i = 1; i <= 5; i++) await ProcessingDatabase.PlaceOrder(first.Routes, "t1", $"o{i}");
        Assert.True((await first.Routes.WriteCheckpoint("t1", new CheckpointWrite("p", 4, 1), default)).IsOk);
        var before = await first.Routes.Read("t1", EventQuery.All, default);

        using var killed = new CancellationTokenSource();
        var move = new PostgresTenantMove(first.Routes, databases) { AfterStep = s => { if (s == step) killed.Cancel(); } };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => move.MoveAsync("t1", "b", killed.Token));
        await first.DisposeAsync();

        await using var second = Start(databases);
        var fenced = step is TenantMoveStep.Fenced or TenantMoveStep.Copied;
        if (fenced)
        {
            // Between the stop and the recovery the tenant's writes are refused everywhere (503), never written to either side.
            var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => ProcessingDatabase.PlaceOrder(second.Routes, "t1", "refused"));
            Assert.Contains("Tenant 't1'", refused.Message);
        }

        var recovery = new PostgresTenantMove(second.Routes, databases);
        var expected = resume || step == TenantMoveStep.Switched ? "b" : "a";
        if (resume) await recovery.ResumeAsync("t1");
        else
        {
            Assert.Equal(step != TenantMoveStep.Switched, await recovery.RollBackAsync("t1"));
            if (step == TenantMoveStep.Switched) await recovery.ResumeAsync("t1");
        }

        var route = await second.Map.RouteOf("t1", default);
        Assert.Equal((expected, (string?)null), (route.Database, route.MovingTo));
        var after = await second.Routes.Read("t1", EventQuery.All, default);
        Assert.Equal(before.Select(e => (e.Id, e.Position, e.StreamVersion, e.Timestamp, e.Type)), after.Select(e => (e.Id, e.Position, e.StreamVersion, e.Timestamp, e.Type)));
        Assert.Equal(4L, (await second.Routes.ReadCheckpoint("t1", "p", default)).Position);
        Assert.Equal(6L, await second.Routes.GetHead("t1", default) + 1);
        await ProcessingDatabase.PlaceOrder(second.Routes, "t1", "o6");
        Assert.Equal(6L, await second.Routes.GetHead("t1", default));
        var home = expected == "a" ? databases[0] : databases[1];
        var other = expected == "a" ? databases[1] : databases[0];
        Assert.Equal(7, await Rows(home, "t1"));
        Assert.Equal(0, await Rows(other, "t1"));
    }
}
