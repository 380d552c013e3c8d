using System.Diagnostics;

namespace Hybrid.Shell.Telemetry;

/// <summary>How a command's or query's span ends when running it threw: outcome <c>failed</c>, OpenTelemetry's
/// <c>error.type</c> and an error status naming the exception's type (never its message).</summary>
internal static class FailedSpan
{
    public static void Mark(Activity? activity, Exception failure)
    {
        activity?.SetTag("hybrid.outcome", "failed");
        activity?.SetTag("error.type", failure.GetType().FullName);
        activity?.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
    }
}
