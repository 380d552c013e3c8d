using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hybrid.Shell.Processors;

/// <summary>Traces and counters of the processor engine and the scheduler (source and meter "Hybrid.Processors").</summary>
public static class ProcessorTelemetry
{
    /// <summary>The name of the activity source and meter.</summary>
    public const string Name = Telemetry.HybridTelemetry.Processors;

    /// <summary>Spans: one per handled event (continuing the trace the event was written in), per effect, per scheduler fire.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Events handled (any result), by processor.</summary>
    public static readonly Counter<long> Handled = Meter.CreateCounter<long>("hybrid.processor.events_handled");

    /// <summary>Events emitted by processors.</summary>
    public static readonly Counter<long> Emitted = Meter.CreateCounter<long>("hybrid.processor.events_emitted");

    /// <summary>Effects run.</summary>
    public static readonly Counter<long> Effects = Meter.CreateCounter<long>("hybrid.processor.effects");

    /// <summary>Effects abandoned because they outran <see cref="ProcessorOptions.EffectTimeout"/>.</summary>
    public static readonly Counter<long> EffectTimeouts = Meter.CreateCounter<long>("hybrid.processor.effect_timeouts");

    /// <summary>Retries of a failing handler or effect.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("hybrid.processor.retries");

    /// <summary>Events dead-lettered.</summary>
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("hybrid.processor.dead_lettered");

    /// <summary>Leases acquired and lost.</summary>
    public static readonly Counter<long> LeasesAcquired = Meter.CreateCounter<long>("hybrid.processor.leases_acquired");

    /// <summary>Leases lost (renewal failed or a write was fenced).</summary>
    public static readonly Counter<long> LeasesLost = Meter.CreateCounter<long>("hybrid.processor.leases_lost");

    /// <summary>Scheduled retention runs, tagged outcome = purged, nothing or failed.</summary>
    public static readonly Counter<long> RetentionRuns = Meter.CreateCounter<long>("hybrid.retention.runs");

    /// <summary>Events scheduled retention purged (replaced by placeholders).</summary>
    public static readonly Counter<long> RetentionPurged = Meter.CreateCounter<long>("hybrid.retention.events_purged");

    /// <summary>Periodic triggers appended by this node.</summary>
    public static readonly Counter<long> TriggersFired = Meter.CreateCounter<long>("hybrid.scheduler.triggers_fired");

    /// <summary>Periodic instants skipped by a missed-fire policy.</summary>
    public static readonly Counter<long> TriggersSkipped = Meter.CreateCounter<long>("hybrid.scheduler.triggers_skipped");

    /// <summary>Periodic instants declined by their task's own condition.</summary>
    public static readonly Counter<long> TriggersDeclined = Meter.CreateCounter<long>("hybrid.scheduler.triggers_declined");

    /// <summary>Process-manager deadlines fired by this node.</summary>
    public static readonly Counter<long> DeadlinesFired = Meter.CreateCounter<long>("hybrid.deadlines.fired");

    /// <summary>
    /// Ends an event's <c>hybrid.processor.handle</c> span when the event is dead-lettered: error status, outcome
    /// <c>dead-lettered</c> and <c>error.type</c> naming the last failure's type (never its message, which may quote data).
    /// </summary>
    internal static void MarkDeadLettered(Activity? activity, Exception failure)
    {
        Telemetry.FailedSpan.Mark(activity, failure);
        activity?.SetTag("hybrid.outcome", "dead-lettered");
    }

    /// <summary>Compensating events appended after an effect's final failure.</summary>
    public static readonly Counter<long> Compensated = Meter.CreateCounter<long>("hybrid.processor.compensated");
}
