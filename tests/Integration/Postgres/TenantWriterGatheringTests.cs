using Hybrid.Shell.Postgres.Writing;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// The tenant writer's gathering between commits (<c>CommitGathering</c>), without a database: a fake commit records the
/// group sizes, and the window is timed on a fake clock that moves only when the test moves it, so what is committed
/// together does not depend on how fast the machine is. Without gathering, closed-loop callers alternated in groups of
/// 1 and 7.
/// </summary>
public sealed class TenantWriterGatheringTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _timing = new();
    private readonly List<int> _groups = [];
    private TaskCompletionSource? _hold;

    private TenantWriter Writer(int maxEventsPerCommit = 5_000) => new("acme", CommitAsync, maxEventsPerCommit, _timing);

    private async Task CommitAsync(string tenant, IReadOnlyList<PendingAppend> batch)
    {
        if (_hold is { } hold) await hold.Task;
        lock (_groups) _groups.Add(batch.Count);
        foreach (var p in batch) p.Completion.TrySetResult(AppendResult.NewAppended([]));
    }

    private int[] Groups()
    {
        lock (_groups) return [.. _groups];
    }

    private async Task WaitForGroups(int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Groups().Length < count)
        {
            Assert.True(waited.Elapsed < Patience, $"waited for {count} commits, saw [{string.Join(", ", Groups())}]");
            await Task.Delay(5);
        }
    }

    /// <summary>Nothing may commit while the fake clock stands still and the group is incomplete.</summary>
    private async Task AssertNoCommitBeyond(int count)
    {
        await Task.Delay(100);
        Assert.Equal(count, Groups().Length);
    }

    private static AppendRequest Request(int events = 1) =>
        AppendRequest.Of("acme", Propose(Enumerable.Range(0, events).Select(_ => Event("Placed")).ToArray()));

    /// <summary>One append leads and is held in its commit; seven queue behind it; then the commit is released.</summary>
    private async Task<Task<AppendResult>[]> OneThenSevenCommitted(TenantWriter writer)
    {
        _hold = new TaskCompletionSource();
        var appends = new List<Task<AppendResult>> { writer.Enqueue(Request()) };
        appends.AddRange(Enumerable.Range(0, 7).Select(_ => writer.Enqueue(Request())));
        _hold.SetResult();
        _hold = null;
        await WaitForGroups(2);
        Assert.Equal([1, 7], Groups());
        return [.. appends];
    }

    [Fact]
    public async Task after_a_group_of_seven_the_writer_waits_for_seven_appends_instead_of_committing_the_first_alone()
    {
        var writer = Writer();
        await Task.WhenAll(await OneThenSevenCommitted(writer)).WaitAsync(Patience);

        var comingBack = Enumerable.Range(0, 6).Select(_ => writer.Enqueue(Request())).ToList();
        await AssertNoCommitBeyond(2);
        comingBack.Add(writer.Enqueue(Request()));
        await Task.WhenAll(comingBack).WaitAsync(Patience);
        Assert.Equal([1, 7, 7], Groups());
    }

    [Fact]
    public async Task a_lone_caller_is_never_held_for_a_group()
    {
        var writer = Writer();
        for (var i = 0; i < 5; i++) await writer.Enqueue(Request()).WaitAsync(Patience);
        Assert.Equal([1, 1, 1, 1, 1], Groups());
    }

    [Fact]
    public async Task when_the_window_passes_the_appends_that_came_back_are_committed()
    {
        var writer = Writer();
        await Task.WhenAll(await OneThenSevenCommitted(writer)).WaitAsync(Patience);
        var comingBack = Enumerable.Range(0, 2).Select(_ => writer.Enqueue(Request())).ToArray();
        await AssertNoCommitBeyond(2);
        _timing.Advance(TimeSpan.FromMilliseconds(8));
        await Task.WhenAll(comingBack).WaitAsync(Patience);
        Assert.Equal([1, 7, 2], Groups());
    }

    [Fact]
    public async Task a_full_batch_queued_is_committed_without_waiting_for_the_rest_of_the_group()
    {
        var writer = Writer(maxEventsPerCommit: 10);
        await Task.WhenAll(await OneThenSevenCommitted(writer)).WaitAsync(Patience);
        var full = new[] { writer.Enqueue(Request(events: 4)), writer.Enqueue(Request(events: 6)) };
        await Task.WhenAll(full).WaitAsync(Patience);
        Assert.Equal([1, 7, 2], Groups());
    }

    [Fact]
    public async Task a_group_gathers_at_most_the_append_limit_of_body_characters()
    {
        var writer = Writer();
        var body = $"\"{new string('x', Limits.AppendBodyBytes / 2 - 8)}\"";
        AppendRequest Large() => AppendRequest.Of("acme", Propose(new EventData("Placed", [], "order-1", body, 1)));
        _hold = new TaskCompletionSource();
        var appends = new List<Task<AppendResult>> { writer.Enqueue(Request()) };
        appends.AddRange(Enumerable.Range(0, 3).Select(_ => writer.Enqueue(Large())));
        _hold.SetResult();
        _hold = null;
        await WaitForGroups(2);
        Assert.Equal([1, 2], Groups());
        // The third waits for its group's window like any append behind a group of two; the window is timed on the
        // fake clock once the writer waits, which it may not do yet: the clock moves until the third is committed.
        await AssertNoCommitBeyond(2);
        var all = Task.WhenAll(appends);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!all.IsCompleted && waited.Elapsed < Patience)
        {
            _timing.Advance(TimeSpan.FromMilliseconds(8));
            await Task.WhenAny(all, Task.Delay(20));
        }
        await all.WaitAsync(Patience);
        Assert.Equal([1, 2, 1], Groups());
    }
}
