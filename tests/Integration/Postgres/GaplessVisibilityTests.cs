using Hybrid.Shell.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// The main bug class of PostgreSQL event stores: a reader that has seen position p later finds a committed event below
/// p (positions taken from a sequence commit out of order). Here positions come from the tenant lock held to commit, so
/// tailing readers must see every tenant's log grow without gaps, even while a writer holds its transaction open.
/// </summary>
public sealed class GaplessVisibilityTests
{
    [Fact]
    public async Task tailing_readers_see_exactly_the_committed_events_in_order_while_a_transaction_is_held_open()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        await using var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        var tenants = Enumerable.Range(0, 3).Select(i => $"t{i}-{Guid.NewGuid():N}").ToArray();
        using var writing = new CancellationTokenSource(TimeSpan.FromSeconds(4));

        var writers = tenants.SelectMany(tenant => Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            var n = 0;
            while (!writing.IsCancellationRequested)
            {
                var events = Enumerable.Range(0, 1 + n++ % 3).Select(_ => Event("Written", $"s-{w}")).ToArray();
                await store.Append(AppendRequest.Of(tenant, Propose(events)), default);
                await Task.Delay(5);
            }
        }))).ToList();
        writers.Add(HoldATransactionOpenAsync(store.Options.ConnectionString, tenants[0]));

        var readers = tenants.SelectMany(tenant => Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var seen = new List<RecordedEvent>();
            while (true)
            {
                var done = writers.All(w => w.IsCompleted);
                var batch = await store.Read(tenant, EventQuery.All.AfterPosition(seen.Count == 0 ? 0 : seen[^1].Position).Take(50), default);
                seen.AddRange(batch);
                if (done && batch.Length == 0) return (tenant, seen);
                await Task.Delay(3);
            }
        }))).ToArray();

        await Task.WhenAll(writers);
        var results = await Task.WhenAll(readers);
        foreach (var (tenant, seen) in results)
        {
            var committed = await store.Read(tenant, EventQuery.All, default);
            Assert.True(committed.Length > 10, $"tenant {tenant} has only {committed.Length} events");
            Assert.Equal(Enumerable.Range(1, committed.Length).Select(i => (long)i), committed.Select(e => e.Position));
            Assert.Equal(committed.Select(e => (e.Id, e.Position)), seen.Select(e => (e.Id, e.Position)));
        }
        var held = await store.Read(tenants[0], EventQuery.OfTypes("HeldOpen"), default);
        Assert.Single(held);
    }

    /// <summary>
    /// As the application role, append one event the way the store does (lock the tenant row, take the next position,
    /// insert) and keep the transaction open for two seconds before committing.
    /// </summary>
    private static async Task HoldATransactionOpenAsync(string appConnectionString, string tenant)
    {
        await Task.Delay(800);
        await using var connection = await Sql.OpenAsync(appConnectionString);
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ScalarAsync("SELECT set_config('hybrid.tenant', @t, true)", ("t", tenant));
        var position = 1 + (long)(await connection.ScalarAsync("SELECT hybrid.advance_head(@t, 1)", ("t", tenant)))!;
        await connection.ExecuteAsync(
            "INSERT INTO hybrid.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, \"timestamp\") " +
            "VALUES (@t, @p, @id, NULL, 0, 'HeldOpen', '{}', '{}', '{}', 1, now())",
            ("t", tenant), ("p", position), ("id", Guid.CreateVersion7()));
        await Task.Delay(2000);
        await tx.CommitAsync();
    }
}
