// How long a fail-if-events-match check takes, and whether it stays flat as the history of the condition's tags grows.
using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

public sealed partial class PostgresBench
{
    private const int SmallGroup = 1_000;

    /// <summary>
    /// pg.dcb.check.p50_us / p99_us: the query of a DCB condition (a shared group tag and a new unique tag, after the head)
    /// over a group with the whole loaded log behind it, against the same check over a group of 1,000 events
    /// (pg.dcb.check.small.p99_us): a ratio near 1 means the check does not grow with the tags' history.
    /// </summary>
    private async Task DcbCheck()
    {
        if (_store is null)
        {
            report.Skip("pg.dcb.check.p99_us", "us", _unavailable ?? "no store under test");
            return;
        }
        await LoadStoreLog();
        await _store.LoadGroup("small", SmallGroup);
        var samples = Math.Max(200, Math.Min(2_000, sizes.LatencySamples / 100));
        var small = await _store.CheckLatencies("small", samples);
        var large = await _store.CheckLatencies("log", samples);
        var smallP99 = Add(new Metric
        {
            Name = "pg.dcb.check.small.p99_us", Unit = "us", Value = Math.Round(small.Microseconds(99), 1),
            Params = CheckParams(SmallGroup, samples, small),
        });
        Add(new Metric
        {
            Name = "pg.dcb.check.p50_us", Unit = "us", Value = Math.Round(large.Microseconds(50), 1),
            Params = CheckParams(sizes.LogEvents, samples, large),
        });
        Add(new Metric
        {
            Name = "pg.dcb.check.p99_us", Unit = "us", Value = Math.Round(large.Microseconds(99), 1),
            Params = CheckParams(sizes.LogEvents, samples, large),
        }.Against(smallP99));
    }

    private static Dictionary<string, object> CheckParams(int groupEvents, int samples, Measure.Percentiles latencies) => new()
    {
        ["group_events"] = groupEvents, ["samples"] = samples, ["p50_us"] = Math.Round(latencies.Microseconds(50), 1),
        ["how"] = "IEventStore.Read of the condition's query (group tag AND a new unique tag, after the head, backward, limit 1): " +
            "the query a FailIfEventsMatch condition runs; one client, sequential; ratio = this / the same over a 1,000-event group (lower is flatter)",
    };
}
