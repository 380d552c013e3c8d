using System.Collections.Concurrent;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Many writers on many streams with a live $all subscriber: every event exactly once, in position order (a reader
/// never finds a committed event below one it has seen), per-stream order kept, and each append's events contiguous.
/// </summary>
public abstract class ConcurrencyConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private const int Writers = 8;
    private const int AppendsPerWriter = 40;
    private const int StreamsPerWriter = 4;

    [Fact]
    public async Task a_live_subscriber_sees_every_event_of_concurrent_writers_once_in_order()
    {
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All);
        await subscription.UntilCaughtUp(Patience);
        var appends = new ConcurrentBag<RecordedEvent[]>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var versions = new long[StreamsPerWriter];
            for (var i = 0; i < AppendsPerWriter; i++)
            {
                var s = i % StreamsPerWriter;
                var stream = $"w{w}-s{s}";
                var size = 1 + (i * 7 + w) % 4;
                var events = Enumerable.Range(0, size).Select(k => Of($"E{k}", stream, $"writer:{w}")).ToArray();
                var written = await AppendOk(Expect(stream, Exact(versions[s])), events);
                versions[s] += size;
                appends.Add(written);
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Patience * 3);

        var total = appends.Sum(a => a.Length);
        var seen = await subscription.Events(total, Patience * 3);

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), Positions(seen));
        Assert.Equal(total, seen.Select(e => e.Id).Distinct().Count());
        var byId = seen.Select((e, index) => (e, index)).ToDictionary(x => x.e.Id, x => x.index);
        foreach (var append in appends)
        {
            var first = byId[append[0].Id];
            Assert.Equal(Ids(append), Ids(seen.Skip(first).Take(append.Length)));
        }
        foreach (var stream in seen.GroupBy(e => e.Stream))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => (long)v), stream.Select(e => e.StreamVersion));
        Assert.Equal(Ids(seen), Ids(await ReadAll()));
    }

    [Fact]
    public async Task a_subscriber_catching_up_while_writers_append_sees_every_event_once_in_order()
    {
        for (var i = 0; i < 4; i++) await AppendOk(Many(250, "History", $"h{i}"));
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All);
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++) await AppendOk(Of("Live", $"live-{w}"), Of("Live", $"live-{w}"));
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Patience * 3);
        var seen = await subscription.Events(1400, Patience * 3);
        Assert.Equal(Enumerable.Range(1, 1400).Select(i => (long)i), Positions(seen));
        Assert.Equal(Ids(await ReadAll()), Ids(seen));
    }

    [Fact]
    public async Task concurrent_writers_contending_for_shared_streams_never_lose_or_repeat_a_version()
    {
        const int streams = 3;
        var succeeded = new ConcurrentBag<RecordedEvent>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var stream = $"shared-{(w + i) % streams}";
                while (true)
                {
                    var version = (await Store.GetStreamState(Tenant, stream, Ct)).Version;
                    var result = await Append(Expect(stream, Exact(version)), Of("Counted", stream, $"writer:{w}"));
                    if (result is AppendResult.Appended appended)
                    {
                        succeeded.Add(appended.Item[0]);
                        break;
                    }
                    Assert.Equal(ConditionFailureKind.WrongExpectedVersion, Failed(result).Kind);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Patience * 3);

        Assert.Equal(Writers * 25, succeeded.Count);
        for (var s = 0; s < streams; s++)
        {
            var events = await ReadStream($"shared-{s}");
            Assert.Equal(Enumerable.Range(1, events.Length).Select(v => (long)v), events.Select(e => e.StreamVersion));
            Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Position < pair.Second.Position));
        }
        Assert.Equal(Writers * 25, (await ReadAll()).Length);
    }

    [Fact]
    public async Task readers_polling_during_concurrent_appends_never_see_a_gap_or_a_torn_append()
    {
        using var done = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var violations = new List<string>();
            while (!done.IsCancellationRequested)
            {
                var head = await Head();
                var read = await ReadAll();
                if (read.Length < head) violations.Add($"head {head} but read {read.Length}");
                for (var i = 0; i < read.Length; i++)
                    if (read[i].Position != i + 1) violations.Add($"position {read[i].Position} at index {i}");
                // Every append writes pairs "First" then "Second": a read that ends in the middle of one is torn.
                if (read.Length % 2 != 0) violations.Add($"odd number of events {read.Length}");
                await Task.Yield();
            }
            return violations;
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++) await AppendOk(Of("First", $"w{w}"), Of("Second", $"w{w}"));
        })));
        await done.CancelAsync();
        Assert.Empty(await reader.WaitAsync(Patience));
        Assert.Equal(400, await Head());
    }

    [Fact]
    public async Task a_filtered_subscriber_catching_up_while_writers_append_sees_every_match_once_in_order()
    {
        for (var i = 0; i < 4; i++) await AppendOk(Enumerable.Range(0, 250).Select(k => Of(k % 3 == 0 ? "Hit" : "Miss", $"h{i}")).ToArray());
        await using var subscription = SubscriptionRecorder.Start(Store, Tenant, EventQuery.OfTypes("Hit"));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++) await AppendOk(Of("Hit", $"live-{w}"), Of("Miss", $"live-{w}"), Of("Hit", $"live-{w}"));
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Patience * 3);
        var expected = await ReadAll(EventQuery.OfTypes("Hit"));
        Assert.Equal(336 + 400, expected.Length);
        Assert.Equal(Ids(expected), Ids(await subscription.Events(expected.Length, Patience * 3)));
        var last = await AppendOk(Of("Hit", "end"));
        Assert.Equal(Ids(last), Ids(await subscription.Events(1, Patience)));
    }

    [Fact]
    public async Task of_concurrent_appends_sharing_one_stored_id_with_new_ones_exactly_one_writes_and_the_rest_fail_as_partial_repeats()
    {
        var shared = Guid.CreateVersion7();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            Store.Append(AppendRequest.Of(Tenant,
                new ProposedEvent(shared, Of("Shared", "s"), EventMetadata.Empty),
                new ProposedEvent(Guid.CreateVersion7(), Of("Own" + i, "s"), EventMetadata.Empty)), Ct))));
        Assert.Single(results, r => r is AppendResult.Appended);
        Assert.All(results.Where(r => r is AppendResult.ConditionFailed), r => Assert.Equal(ConditionFailureKind.DuplicateEventIds, Failed(r).Kind));
        Assert.Equal(2, await Head());
        Assert.Equal([1L, 2L], (await ReadStream("s")).Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task concurrent_deletes_and_appends_of_one_stream_leave_its_state_its_reads_and_all_consistent()
    {
        await AppendOk(Of("First", "s"));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            if (i % 4 == 0) await Store.DeleteStream(Tenant, "s", ExpectedVersion.Any, Ct);
            else Written(await Append(Expect("s", ExpectedVersion.Any), Of("Next", "s")));
        })));
        var state = await Store.GetStreamState(Tenant, "s", Ct);
        var all = await ReadAll();
        Assert.Equal(16, all.Length);
        Assert.Equal(Enumerable.Range(1, 16).Select(v => (long)v), all.Select(e => e.StreamVersion));
        Assert.Equal(16, state.Version);
        Assert.Equal(Ids(all.Where(e => e.StreamVersion > state.DeletedUpTo)), Ids(await ReadStream("s")));
    }
}
