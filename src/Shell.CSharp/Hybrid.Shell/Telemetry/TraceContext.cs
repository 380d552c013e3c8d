using System.Diagnostics;

namespace Hybrid.Shell.Telemetry;

/// <summary>
/// W3C trace context between spans and event metadata: a command stores its span's context in its events, and a
/// processor handling one of them continues that trace, so one trace runs from the request to the last effect.
/// </summary>
public static class TraceContext
{
    /// <summary>The metadata with the trace context of the current span, or unchanged when there is none.</summary>
    public static EventMetadata Stamp(EventMetadata metadata) =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } current
            ? metadata.WithTrace(id, current.TraceStateString ?? "")
            : metadata;

    /// <summary>The span context an event was written in, as the remote parent of work it causes; default when none.</summary>
    public static ActivityContext ParentOf(RecordedEvent e) =>
        e.Metadata is { IsTraced: true } m && ActivityContext.TryParse(m.TraceParent, m.TraceState, isRemote: true, out var parent)
            ? parent
            : default;
}
