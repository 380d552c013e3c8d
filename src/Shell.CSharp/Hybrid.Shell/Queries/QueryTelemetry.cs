using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hybrid.Shell.Telemetry;

namespace Hybrid.Shell.Queries;

/// <summary>
/// How a query is observed (source and meter <c>Hybrid.Queries</c>): its span ends tagged <c>hybrid.outcome</c>, and
/// every query, refused ones included, is counted (<c>hybrid.queries</c>) and timed (<c>hybrid.query.duration</c>,
/// seconds) by <c>hybrid.query</c> and <c>hybrid.outcome</c>, the names the span's tags have.
/// </summary>
internal static class QueryTelemetry
{
    private static readonly Meter Meter = new(HybridTelemetry.Queries);
    private static readonly Counter<long> Count = Meter.CreateCounter<long>("hybrid.queries", "{query}", "Queries run or refused, by name and outcome.");
    private static readonly Histogram<double> Duration =
        Meter.CreateHistogram<double>("hybrid.query.duration", "s", "Time from the query's arrival to its outcome.");

    public static QueryOutcome Ended(Activity? activity, string query, long started, QueryOutcome outcome)
    {
        Record(activity, query, started, QueryProcessor.OutcomeName(outcome));
        return outcome;
    }

    public static void Failed(Activity? activity, string query, long started, Exception failure)
    {
        Record(activity, query, started, "failed");
        FailedSpan.Mark(activity, failure);
    }

    private static void Record(Activity? activity, string query, long started, string name)
    {
        activity?.SetTag("hybrid.outcome", name);
        var tags = new TagList { { "hybrid.query", query }, { "hybrid.outcome", name } };
        Count.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
