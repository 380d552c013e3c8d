using Hybrid.Shell.Postgres;
using Hybrid.Shell.Stores;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// A store whose connection pool is taken by work in flight: other reads and appends fail with a clear "unavailable"
/// error once the pool's wait times out (the surfaces' 503 with Retry-After) instead of hanging, and the store works
/// again once the pool frees up.
/// </summary>
public sealed class PoolExhaustionTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task with_every_pooled_connection_held_reads_and_appends_fail_as_unavailable_instead_of_hanging_and_then_recover()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        await using var store = await PostgresEventStore.CreateAsync(options with
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(options.ConnectionString) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString,
            NotifyOnAppend = false,
            ListenForNotifications = false,
        });
        var holder = $"t-{Guid.NewGuid():N}";
        var other = $"t-{Guid.NewGuid():N}";
        await store.Append(AppendRequest.Of(other, Propose(Event("Before"))), default);

        // The predicate runs inside the append's transaction: while it waits, the pool's only connection is taken.
        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var held = Task.Run(() => store.Append(AppendRequest.Of(holder, Propose(Event("Held"))).When(AppendCondition.Where(EventQuery.All, _ =>
        {
            holding.TrySetResult();
            release.Task.Wait();
            return true;
        }, "holds the connection")), default));
        await holding.Task.WaitAsync(Hang);

        try
        {
            var read = await Assert.ThrowsAnyAsync<Exception>(() => store.Read(other, EventQuery.All, default).WaitAsync(Hang));
            Assert.True(StoreFailures.IsUnavailable(read), read.ToString());
            Assert.Contains("pool", read.ToString(), StringComparison.OrdinalIgnoreCase);
            var append = await Assert.ThrowsAnyAsync<Exception>(() => store.Append(AppendRequest.Of(other, Propose(Event("Refused"))), default).WaitAsync(Hang));
            Assert.True(StoreFailures.IsUnavailable(append), append.ToString());
        }
        finally
        {
            release.TrySetResult();
        }
        await held.WaitAsync(Hang);

        await store.Append(AppendRequest.Of(other, Propose(Event("After"))), default);
        Assert.Equal(["Before", "After"], (await store.Read(other, EventQuery.All, default)).Select(e => e.Type));
        Assert.Equal(["Held"], (await store.Read(holder, EventQuery.All, default)).Select(e => e.Type));
    }
}
