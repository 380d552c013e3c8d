using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Telemetry;

/// <summary>
/// The one way the shell's writers append (commands, processors, the periodic and deadline schedulers, aggregate
/// migrations): a <c>hybrid.store.append</c> span on <see cref="HybridTelemetry.Store"/> (a child of the writer's span, tagged
/// <c>hybrid.tenant</c>, <c>hybrid.events</c> and <c>hybrid.outcome</c>), and the <c>hybrid.store.appended_events</c>
/// counter and <c>hybrid.store.append.duration</c> histogram, tagged by outcome only: a tenant is an unbounded label.
/// The same for every store, since it wraps the call rather than living in each store. A condition that failed and
/// input the store refused are outcomes (<c>conflict</c>, <c>invalid</c>); only a throw (an unavailable store) is an error,
/// with outcome <c>failed</c>.
/// </summary>
internal static class StoreTelemetry
{
    private static readonly ActivitySource Activities = new(HybridTelemetry.Store);
    private static readonly Meter Meter = new(HybridTelemetry.Store);
    private static readonly Counter<long> AppendedEvents = Meter.CreateCounter<long>("hybrid.store.appended_events", "{event}",
        "Events of appends that succeeded (an idempotent re-send's stored events included).");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("hybrid.store.append.duration", "s",
        "Time of one append, by outcome.");

    /// <summary>Appends through <paramref name="store"/> in its own span, counted and timed.</summary>
    public static async Task<AppendResult> Append(IEventStore store, AppendRequest request, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = Activities.StartActivity("hybrid.store.append", ActivityKind.Client);
        activity?.SetTag("hybrid.tenant", request.Tenant);
        activity?.SetTag("hybrid.events", request.Events.Length);
        try
        {
            var result = await store.Append(request, ct).ConfigureAwait(false);
            if (result is AppendResult.Appended written)
            {
                AppendedEvents.Add(written.Item.Length);
                Ended(activity, "appended", started);
            }
            else Ended(activity, "conflict", started);
            return result;
        }
        catch (InvalidInputException)
        {
            Ended(activity, "invalid", started);
            throw;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            FailedSpan.Mark(activity, failure);
            Ended(activity, "failed", started);
            throw;
        }
    }

    private static void Ended(Activity? activity, string outcome, long started)
    {
        activity?.SetTag("hybrid.outcome", outcome);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("hybrid.outcome", outcome));
    }
}
