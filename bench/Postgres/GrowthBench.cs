// How the store's costs move as it grows: fill it over 1,000 tenants in steps, measure the same operations at each
// size, compare each with the empty store's figure (issue 20: within 1.3x of the empty store).
using Hybrid.Shell.Ids;
using System.Diagnostics;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.Bench.Workload;

namespace Hybrid.Bench.Postgres;

/// <summary>The figures of one store size.</summary>
/// <param name="Events">Events in the store when measured (the fill; the measurements' own writes not counted).</param>
public sealed record GrowthPoint(long Events, double SingleC1, double Batch100C4, double CheckP50Us, double CheckP99Us, double ReadEvPerSec);

/// <summary>Fills the store in steps up to a size and measures single and batch appends, the DCB check and a read at each.</summary>
public sealed class GrowthBench(IEventStore store, BenchSizes sizes, BenchReport report, TextWriter log)
{
    /// <summary>The tenants the fill spreads over.</summary>
    public const int Tenants = 1_000;

    private const string ReaderTenant = "growth-reader";
    private const int ReaderEvents = 10_000;
    private readonly Random _random = new(20);

    /// <summary>The sizes measured up to <paramref name="max"/>: empty, then max/100, max/10 and max (those of 1,000 events or more).</summary>
    public static long[] Steps(long max) => new[] { 0L, max / 100, max / 10, max }.Where(s => s == 0 || s >= 1_000).Distinct().ToArray();

    /// <summary>Runs every step; adds pg.growth.* metrics, each against the empty store's figure.</summary>
    public async Task<IReadOnlyList<GrowthPoint>> RunAsync(long max)
    {
        await Load(ReaderTenant, "reader", ReaderEvents, 1_000);
        var points = new List<GrowthPoint>();
        long filled = 0;
        foreach (var size in Steps(max))
        {
            if (size > filled)
            {
                var clock = Stopwatch.StartNew();
                await Fill(filled, size);
                log.WriteLine($"  filled {filled:N0} -> {size:N0} events over {Tenants:N0} tenants in {clock.Elapsed.TotalSeconds:0} s");
                filled = size;
            }
            var point = await Measure(size);
            log.WriteLine($"  {size,12:N0} events: single {point.SingleC1:N0} ev/s, batch {point.Batch100C4:N0} ev/s, " +
                          $"check p50 {point.CheckP50Us:N0} us p99 {point.CheckP99Us:N0} us, read {point.ReadEvPerSec:N0} ev/s");
            points.Add(point);
        }
        AddMetrics(points);
        return points;
    }

    /// <summary>Appends fill events numbered from..to, 100 per append, tenant by tenant in turn, from 4 loaders.</summary>
    private async Task Fill(long from, long to)
    {
        const int chunk = 100, loaders = 4;
        var next = from;
        await Task.WhenAll(Enumerable.Range(0, loaders).Select(_ => Task.Run(async () =>
        {
            for (var start = Interlocked.Add(ref next, chunk) - chunk; start < to; start = Interlocked.Add(ref next, chunk) - chunk)
            {
                var tenant = (start / chunk) % Tenants;
                var events = Enumerable.Range(0, (int)Math.Min(chunk, to - start))
                    .Select(r => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"fill-{tenant}", start + r)).ToArray();
                Expect(await store.Append(AppendRequest.Of(FillTenant(tenant), events), CancellationToken.None));
            }
        })));
    }

    private async Task Load(string tenant, string group, int count, int chunk)
    {
        for (var from = 0; from < count; from += chunk)
        {
            var events = Enumerable.Range(from, Math.Min(chunk, count - from)).Select(n => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, group, n)).ToArray();
            Expect(await store.Append(AppendRequest.Of(tenant, events), CancellationToken.None));
        }
    }

    private async Task<GrowthPoint> Measure(long size)
    {
        var single = await ClientLoad.EventsPerSecond(1, sizes.Warmup, sizes.Measure, async (_, i) =>
        {
            var tenant = _random.Next(Tenants);
            var e = BenchEvents.Proposed(UuidV7IdSource.System.NewId(), $"single-{size}", $"fill-{tenant}", -1 - i);
            Expect(await store.Append(AppendRequest.Of(FillTenant(tenant), e), CancellationToken.None));
            return 1;
        });
        var batch = await ClientLoad.EventsPerSecond(4, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var tenant = (int)((i * 4 + client) % Tenants);
            var events = Enumerable.Range(0, 100).Select(r => BenchEvents.Proposed(UuidV7IdSource.System.NewId(), null, $"batch-{tenant}", i * 100 + r)).ToArray();
            Expect(await store.Append(AppendRequest.Of(FillTenant(tenant), events), CancellationToken.None));
            return 100;
        });
        var check = await CheckLatencies(Math.Max(200, sizes.LatencySamples / 1_000));
        var read = await ReadRate();
        return new GrowthPoint(size, single, batch, check.Microseconds(50), check.Microseconds(99), read);
    }

    /// <summary>
    /// The query of a fail-if-events-match condition as an append would send it: a tenant's group tag (its whole history,
    /// which grows with the store) and a new unique tag, after position 0, so the whole history is in range.
    /// </summary>
    private async Task<Percentiles> CheckLatencies(int samples)
    {
        var latencies = new Percentiles(samples);
        for (var i = -samples / 10; i < samples; i++)
        {
            var tenant = _random.Next(Tenants);
            var query = EventQuery.OfTags($"group:fill-{tenant}", $"item:new-{Guid.NewGuid():N}").AfterPosition(0).Backwards().Take(1);
            var clock = Stopwatch.StartNew();
            var found = await store.Read(FillTenant(tenant), query, CancellationToken.None);
            var elapsed = clock.ElapsedTicks;
            if (found.Length != 0) throw new InvalidOperationException("A condition over a new tag found an event.");
            if (i >= 0) latencies.Add(elapsed);
        }
        return latencies;
    }

    /// <summary>Reads the reader tenant (the same 10,000 events at every size) in pages of 1,000; best of 3.</summary>
    private async Task<double> ReadRate()
    {
        var best = 0.0;
        for (var run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            long read = 0, after = 0;
            while (true)
            {
                var page = await store.Read(ReaderTenant, EventQuery.All.AfterPosition(after).Take(1_000), CancellationToken.None);
                if (page.Length == 0) break;
                read += page.Length;
                after = page[^1].Position;
            }
            best = Math.Max(best, read / clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private void AddMetrics(IReadOnlyList<GrowthPoint> points)
    {
        var empty = points[0];
        foreach (var p in points)
        {
            Add(p, "single.c1", "ev/s", p.SingleC1, empty.SingleC1, "1-event appends, 1 client, a random tenant each");
            Add(p, "batch100.c4", "ev/s", p.Batch100C4, empty.Batch100C4, "100-event appends, 4 clients, tenants in turn");
            Add(p, "dcb.check.p50_us", "us", p.CheckP50Us, empty.CheckP50Us, "fail-if-events-match query: the tenant's group tag and a new tag, after 0");
            Add(p, "dcb.check.p99_us", "us", p.CheckP99Us, empty.CheckP99Us, "as p50");
            Add(p, "read", "ev/s", p.ReadEvPerSec, empty.ReadEvPerSec, "the same 10,000-event tenant in pages of 1,000, best of 3");
        }
    }

    private void Add(GrowthPoint p, string what, string unit, double value, double emptyValue, string how)
    {
        var name = $"pg.growth.{Label(p.Events)}.{what}";
        var metric = new Metric
        {
            Name = name, Unit = unit, Value = Math.Round(value, 1),
            Params = new Dictionary<string, object> { ["store_events"] = p.Events, ["tenants"] = Tenants, ["how"] = how, ["compared_with"] = "the empty store" },
        };
        report.Add(p.Events == 0 ? metric : metric with { Baseline = $"pg.growth.0.{what}", BaselineValue = Math.Round(emptyValue, 1) });
    }

    /// <summary>A size as a short label: 0, 10k, 1M.</summary>
    public static string Label(long events) => events switch
    {
        0 => "0",
        >= 1_000_000 when events % 1_000_000 == 0 => $"{events / 1_000_000}M",
        >= 1_000 when events % 1_000 == 0 => $"{events / 1_000}k",
        _ => events.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string FillTenant(long tenant) => $"growth-{tenant:D4}";

    private static void Expect(AppendResult result)
    {
        if (!result.IsAppended) throw new InvalidOperationException($"An append under benchmark was not written: {result}");
    }
}
