// The event store under test, driven only through IEventStore with the same events as the raw baselines.
using Hybrid.Shell.Ids;
using System.Diagnostics;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Workload;

namespace Hybrid.Bench.Postgres;

/// <summary>Store-side workloads; each returns events per second.</summary>
public sealed class StoreBench(IEventStore store, BenchSizes sizes)
{
    /// <summary>The same store at other sizes (an alternating round's).</summary>
    public StoreBench With(BenchSizes other) => new(store, other);

    /// <summary>The tenant whose log the DCB and read benchmarks use.</summary>
    public const string LogTenant = "dcb";

    /// <summary>1 event per append, each client on its own stream, all on one tenant.</summary>
    public Task<double> Single(string tenant, int clients) => Single(tenant, 1, clients, suffixed: false);

    /// <summary>1 event per append, each client on its own stream; client c appends to tenant prefix + (c mod tenants).</summary>
    public Task<double> Single(string tenantPrefix, int tenants, int clients) => Single(tenantPrefix, tenants, clients, suffixed: true);

    private Task<double> Single(string tenantPrefix, int tenants, int clients, bool suffixed) =>
        ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var e = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), $"client-{client}", $"c{client}", i);
            var tenant = suffixed ? $"{tenantPrefix}{client % tenants}" : tenantPrefix;
            Expect(await store.Append(AppendRequest.Of(tenant, e), CancellationToken.None));
            return 1;
        });

    /// <summary>
    /// As <see cref="Single"/>, but one append in <paramref name="refusedEvery"/> carries a body the server refuses (a
    /// test-only constraint): it must fail alone with <see cref="AppendRefusedException"/>; only written events count.
    /// </summary>
    public Task<double> SinglePoisoned(string tenant, int clients, int refusedEvery) =>
        ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            if ((i * clients + client) % refusedEvery == refusedEvery - 1)
            {
                var refused = new ProposedEvent(UuidV7IdSource.System.NewId(), new EventData("Refused", [], $"client-{client}", """{"refuse":true}""", 1), BenchEvents.Metadata);
                try
                {
                    Expect(await store.Append(AppendRequest.Of(tenant, refused), CancellationToken.None));
                    throw new InvalidOperationException("The server was to refuse this append.");
                }
                catch (AppendRefusedException)
                {
                    return 0;
                }
            }
            var e = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), $"client-{client}", $"c{client}", i);
            Expect(await store.Append(AppendRequest.Of(tenant, e), CancellationToken.None));
            return 1;
        });

    /// <summary>Batches of tagged events; client c appends to tenant prefix + (c mod tenants).</summary>
    public Task<double> Batches(string tenantPrefix, int tenants, int clients, int batch) =>
        ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var events = new ProposedEvent[batch];
            for (var r = 0; r < batch; r++) events[r] = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"c{client}", i * batch + r);
            Expect(await store.Append(AppendRequest.Of($"{tenantPrefix}{client % tenants}", events), CancellationToken.None));
            return batch;
        });

    /// <summary>
    /// Runs every append shape a while on a tenant of its own, before any figure is taken: the runtime compiles the
    /// store's code paths (tier 1, in the background) during this pass instead of during a measured window, where the
    /// compiler thread would take a core from the client and the server (about a third of the client's CPU was the
    /// JIT in a measured single-append window after a 0.5 s warm-up).
    /// </summary>
    public async Task WarmUp(TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        for (long i = 0; clock.Elapsed < duration; i++)
        {
            var e = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), "warm", "warm", i);
            Expect(await store.Append(AppendRequest.Of("warm-up", e), CancellationToken.None));
            var guarded = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, "warm", -1 - i);
            Expect(await store.Append(AppendRequest.Of("warm-up", guarded).When(AppendCondition.NothingNewSince(EventQuery.OfTags(guarded.Data.Tags), 0)), CancellationToken.None));
            if (i % 10 == 0)
            {
                var events = Enumerable.Range(0, 100).Select(r => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, "warm-batch", i * 100 + r)).ToArray();
                Expect(await store.Append(AppendRequest.Of("warm-up", events), CancellationToken.None));
                await store.Read("warm-up", EventQuery.All.Take(1_000), CancellationToken.None);
            }
        }
    }

    /// <summary>Writes the log the DCB, read and rebuild benchmarks use: appends of 1,000 events from 4 concurrent loaders.</summary>
    public async Task LoadLog(int count)
    {
        const int chunk = 1_000, loaders = 4;
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, loaders).Select(_ => Task.Run(async () =>
        {
            for (var from = Interlocked.Add(ref next, chunk) - chunk; from < count; from = Interlocked.Add(ref next, chunk) - chunk)
            {
                var events = Enumerable.Range(from + 1, Math.Min(chunk, count - from))
                    .Select(n => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, "log", n)).ToArray();
                Expect(await store.Append(AppendRequest.Of(LogTenant, events), CancellationToken.None));
            }
        })));
    }

    /// <summary>Appends events 1..count of a tag group to the log tenant, in appends of 1,000.</summary>
    public async Task LoadGroup(string group, int count)
    {
        for (var from = 0; from < count; from += 1_000)
        {
            var events = Enumerable.Range(from + 1, Math.Min(1_000, count - from))
                .Select(n => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, group, n)).ToArray();
            Expect(await store.Append(AppendRequest.Of(LogTenant, events), CancellationToken.None));
        }
    }

    /// <summary>
    /// Latencies of the query a fail-if-events-match condition over a group's tag and a new unique tag runs, after the
    /// log's head (so nothing matches), one at a time.
    /// </summary>
    public async Task<Percentiles> CheckLatencies(string group, int samples)
    {
        var head = (await store.Read(LogTenant, EventQuery.All.Backwards().Take(1), CancellationToken.None))[0].Position;
        var latencies = new Percentiles(samples);
        for (var i = -samples / 10; i < samples; i++)
        {
            var tags = BenchEvents.Tags(group, -1 - i);
            var query = EventQuery.OfTags(tags).AfterPosition(head).Backwards().Take(1);
            var clock = Stopwatch.StartNew();
            var found = await store.Read(LogTenant, query, CancellationToken.None);
            var elapsed = clock.ElapsedTicks;
            if (found.Length != 0) throw new InvalidOperationException("A DCB check after the head found an event.");
            if (i >= 0) latencies.Add(elapsed);
        }
        return latencies;
    }

    /// <summary>Reads the whole log tenant; best of the runs.</summary>
    public async Task<double> ReadAll(int expected, int runs)
    {
        var best = 0.0;
        for (var run = 0; run < runs; run++)
        {
            var clock = Stopwatch.StartNew();
            var events = await store.Read(LogTenant, EventQuery.All, CancellationToken.None);
            var rate = events.Length / clock.Elapsed.TotalSeconds;
            if (events.Length < expected) throw new InvalidOperationException($"Read {events.Length} events of {expected}.");
            best = Math.Max(best, rate);
        }
        return best;
    }

    /// <summary>
    /// 1 event per append with a fail-if-events-match condition over its 2 tags after the loaded log's head;
    /// the tags are new for every append (and every <paramref name="round"/>), so every condition holds and every append writes.
    /// </summary>
    public Task<double> Dcb(int clients, long after, string round) =>
        ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var n = (long)client << 32 | i;
            var e = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"{round}dcb{clients}x{client}", n);
            var condition = AppendCondition.NothingNewSince(EventQuery.OfTags(e.Data.Tags), after);
            Expect(await store.Append(AppendRequest.Of(LogTenant, e).When(condition), CancellationToken.None));
            return 1;
        });

    private static void Expect(AppendResult result)
    {
        if (!result.IsAppended) throw new InvalidOperationException($"An append under benchmark was not written: {result}");
    }
}
