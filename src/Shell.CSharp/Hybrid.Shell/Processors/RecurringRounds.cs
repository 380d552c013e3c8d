using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The background loop shared by the processor host and the periodic scheduler: run a round, report its failure
/// (the next round retries), sleep on the given clock, until stopped. A store that cannot be reached (an outage, or a
/// node started before its database is up) is logged once as a one-line warning, not as an error with a stack trace
/// every round, and its recovery once as information.
/// </summary>
internal static class RecurringRounds
{
    /// <summary>Runs rounds until <paramref name="stopping"/> fires; the first round runs at once.</summary>
    public static async Task Run(
        Func<CancellationToken, Task> round,
        Func<TimeSpan> sleep,
        TimeProvider clock,
        Action<Exception?> reportOutcome,
        ILogger logger,
        string failureMessage,
        CancellationToken stopping)
    {
        await Task.Yield();
        var unavailable = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await round(stopping);
                reportOutcome(null);
                if (unavailable) logger.LogInformation("The store can be reached again; the rounds that failed (\"{Failure}\") succeed again.", failureMessage);
                unavailable = false;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
            catch (Exception ex) when (StoreFailures.IsUnavailable(ex))
            {
                reportOutcome(ex);
                if (!unavailable) logger.LogWarning("{Failure} The store cannot be reached ({Reason}); retrying every round until it can.", failureMessage, ex.Message);
                else logger.LogDebug("{Failure} The store still cannot be reached.", failureMessage);
                unavailable = true;
            }
            catch (Exception ex)
            {
                reportOutcome(ex);
                logger.LogError(ex, failureMessage);
            }
            try { await Task.Delay(sleep(), clock, stopping); }
            catch (OperationCanceledException) { return; }
        }
    }
}
