using Hybrid.Shell.Lmdb.EventStore;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>
/// Concurrent appends share one write transaction and one sync; in a group, a member that fails (its condition
/// throws, its data is refused, it does not fit) fails alone and the others commit as if it had not been sent.
/// </summary>
public sealed class LmdbGroupCommitTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-group-");
    private static readonly CancellationToken Ct = CancellationToken.None;

    public void Dispose() => _temp.Delete(recursive: true);

    private LmdbEventStore Open(long maxMapSize = 256L << 30, long initialMapSize = 64L << 20) => LmdbEventStore.Open(new LmdbEventStoreOptions
    {
        Directory = Path.Combine(_temp.FullName, "store"),
        InitialMapSize = initialMapSize,
        MaxMapSize = maxMapSize,
    });

    /// <summary>Holds the writer until the returned source is set, so that appends queued meanwhile form one group.</summary>
    private static async Task<TaskCompletionSource> HoldWriter(LmdbEventStore store)
    {
        var release = new TaskCompletionSource();
        var holding = new TaskCompletionSource();
        // From another thread: a write that finds the writer idle commits on its caller's thread.
        _ = Task.Run(() => store.Writer.Enqueue(_ =>
        {
            holding.SetResult();
            release.Task.Wait();
            return 0;
        }, 0, null));
        await holding.Task;
        return release;
    }

    private static async Task WaitQueued(LmdbEventStore store, int count)
    {
        while (store.Writer.Queued < count) await Task.Delay(5);
    }

    [Fact]
    public async Task an_append_that_finds_the_writer_idle_is_committed_on_its_callers_thread_before_append_returns()
    {
        using var store = Open();
        var before = store.Writer.Commits;
        var append = store.Append(AppendRequest.Of("acme", Propose(Of("Placed", "order-1"))), Ct);
        Assert.True(append.IsCompletedSuccessfully, "an uncontended append is synced before Append returns, with no hand-off to the writer thread");
        Assert.Equal(before + 1, store.Writer.Commits);
        Assert.Equal(1, (await append).Events.Single().Position);
        Assert.Equal(["Placed"], (await store.Read("acme", EventQuery.All, Ct)).Select(e => e.Type));
    }

    [Fact]
    public async Task concurrent_appends_share_commits_and_each_is_acknowledged_after_its_group_is_synced()
    {
        using var store = Open();
        var before = store.Writer.Commits;
        // The writer is held while the appends are sent, so that they are concurrent however the thread pool runs them
        // (sent from Task.Run alone, on a quiet machine each could find the writer idle and commit by itself).
        var release = await HoldWriter(store);
        var sent = Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            store.Append(AppendRequest.Of("acme", Propose(Of("Placed", $"order-{i}"))), Ct))).ToArray();
        await WaitQueued(store, 64);
        Assert.DoesNotContain(sent, a => a.IsCompleted);
        release.SetResult();
        var appends = await Task.WhenAll(sent);
        Assert.All(appends, a => Assert.IsType<AppendResult.Appended>(a));
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (long)i), appends.Select(a => a.Events[0].Position).Order());
        var commits = store.Writer.Commits - before;
        Assert.True(commits == 2, $"64 appends sent while the writer was held took {commits - 1} commits after it");
    }

    [Fact]
    public async Task writes_queued_while_the_writers_group_transaction_is_open_join_that_group_and_one_that_throws_fails_alone()
    {
        using var store = Open();
        var release = await HoldWriter(store);
        var running = new TaskCompletionSource();
        var proceed = new TaskCompletionSource();
        var first = store.Writer.Enqueue(_ =>
        {
            running.SetResult();
            proceed.Task.Wait();
            return 0;
        }, 0, null);
        await WaitQueued(store, 1);
        var before = store.Writer.Commits;
        release.SetResult(); // the held commit ends; the writer thread opens a group for the first write and runs it
        await running.Task;
        var joining = Task.Run(() => store.Append(AppendRequest.Of("acme", Propose(Of("Joined", "s-1"))), Ct));
        var throwing = Task.Run(() => store.Append(AppendRequest.Of("acme", Propose(Of("Broken", "s-1")))
            .When(AppendCondition.Where(EventQuery.All, _ => throw new InvalidOperationException("the predicate broke"), "broken")), Ct));
        await WaitQueued(store, 2);
        proceed.SetResult();

        await first;
        Assert.Equal(1, (await joining).Events.Single().Position);
        Assert.Equal("the predicate broke", (await Assert.ThrowsAsync<InvalidOperationException>(() => throwing)).Message);
        // The held commit, then one group for all three: the two queued behind the first did not wait for a commit of their own.
        Assert.Equal(before + 2, store.Writer.Commits);
        Assert.Equal(["Joined"], (await store.Read("acme", EventQuery.All, Ct)).Select(e => e.Type));
    }

    [Fact]
    public async Task a_member_whose_condition_throws_fails_alone_and_the_rest_of_its_group_commits_as_if_it_had_not_been_sent()
    {
        using var store = Open();
        var release = await HoldWriter(store);
        var first = store.Append(AppendRequest.Of("acme", Propose(Of("A", "s-1"))), Ct);
        var throwing = store.Append(AppendRequest.Of("acme", Propose(Of("B", "s-1")))
            .When(AppendCondition.Where(EventQuery.All, _ => throw new InvalidOperationException("the predicate broke"), "broken")), Ct);
        var third = store.Append(AppendRequest.Of("acme", Propose(Of("C", "s-1"))).When(AppendCondition.Expect("s-1", ExpectedVersion.NewExact(1))), Ct);
        await WaitQueued(store, 3);
        release.SetResult();

        Assert.Equal(1, (await first).Events.Single().Position);
        Assert.Equal("the predicate broke", (await Assert.ThrowsAsync<InvalidOperationException>(() => throwing)).Message);
        var c = (await third).Events.Single();
        Assert.Equal((2L, 2L), (c.Position, c.StreamVersion));
        Assert.Equal(["A", "C"], (await store.Read("acme", EventQuery.All, Ct)).Select(e => e.Type));
    }

    [Fact]
    public async Task at_the_maximum_size_a_member_that_does_not_fit_fails_alone_with_store_full_and_the_others_commit()
    {
        using var store = Open(maxMapSize: 2L << 20, initialMapSize: 1L << 20);
        var big = $"\"{new string('x', 900_000)}\"";
        var release = await HoldWriter(store);
        var small = store.Append(AppendRequest.Of("acme", Propose(Of("Small"))), Ct);
        var huge = store.Append(AppendRequest.Of("acme", Propose(WithBody("Huge", null, big), WithBody("Huge", null, big), WithBody("Huge", null, big))), Ct);
        var after = store.Append(AppendRequest.Of("acme", Propose(Of("After"))), Ct);
        await WaitQueued(store, 3);
        release.SetResult();

        Assert.Equal(1, (await small).Events.Single().Position);
        var full = await Assert.ThrowsAsync<LmdbStoreFullException>(() => huge);
        Assert.Contains("maximum size of 2,097,152 bytes", full.Message);
        Assert.Equal(2, (await after).Events.Single().Position);
        Assert.Equal(["Small", "After"], (await store.Read("acme", EventQuery.All, Ct)).Select(e => e.Type));
    }
}
