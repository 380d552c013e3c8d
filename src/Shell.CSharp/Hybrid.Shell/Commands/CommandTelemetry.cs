using System.Diagnostics;

namespace Hybrid.Shell.Commands;

/// <summary>
/// How a command's span ends: tagged <c>hybrid.outcome</c> with its outcome (and an accepted one with
/// <c>hybrid.events</c>, the number of events it wrote); a store that was unavailable, or an
/// exception, sets the span's status to error with <c>error.type</c> (OpenTelemetry's attribute), while the caller's
/// mistakes and refusals (invalid, unauthorized, rejected, conflict, …) are expected outcomes and leave it unset.
/// </summary>
internal static class CommandTelemetry
{
    public static CommandOutcome Ended(Activity? activity, CommandOutcome outcome)
    {
        if (activity is null) return outcome;
        var name = CommandProcessor.OutcomeName(outcome);
        activity.SetTag("hybrid.outcome", name);
        if (outcome is CommandOutcome.Accepted accepted) activity.SetTag("hybrid.events", accepted.Item.Events.Length);
        if (outcome is CommandOutcome.Unavailable)
        {
            activity.SetTag("error.type", name);
            activity.SetStatus(ActivityStatusCode.Error, "The event store was unavailable.");
        }
        return outcome;
    }

    /// <summary>Tags the span with the caller's expected version, when given: its number, or <c>any</c>, <c>no-stream</c>, <c>stream-exists</c>.</summary>
    public static void Expecting(Activity? activity, ExpectedVersion? expected)
    {
        if (activity is null || expected is null) return;
        activity.SetTag("hybrid.expected_version", expected switch
        {
            ExpectedVersion.Exact exact => exact.Item,
            _ when expected.IsNoStream => "no-stream",
            _ when expected.IsStreamExists => "stream-exists",
            _ => (object)"any",
        });
    }

    public static void Failed(Activity activity, Exception failure) => Telemetry.FailedSpan.Mark(activity, failure);
}
