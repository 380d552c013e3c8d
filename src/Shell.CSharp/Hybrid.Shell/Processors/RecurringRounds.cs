using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The background loop shared by the processor host and the periodic scheduler: run a round, report its failure
/// (the next round retries), sleep on the given clock, until stopped.
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
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await round(stopping);
                reportOutcome(null);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested) { return; }
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
