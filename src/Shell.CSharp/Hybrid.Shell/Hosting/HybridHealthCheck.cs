using Hybrid.Shell.Processors;
using Hybrid.Shell.Scheduling;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// Healthy while the processor hosts (one per database of a tenancy map) and the scheduler run and their last rounds succeeded; degraded when a round
/// failed (they retry) or dead letters wait for an operator; unhealthy when either loop stopped or the store cannot be
/// reached (a node started before its database is up, or an outage).
/// </summary>
public sealed class HybridHealthCheck(ProcessorHosts processors, PeriodicScheduler scheduler, IDeadLetterStore deadLetters) : IHealthCheck
{
    private const string StoreUnreachable = "The event store cannot be reached just now.";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int pending;
        try
        {
            pending = (await deadLetters.List(null!, null!, cancellationToken)).Count(d => d.Status == DeadLetterStatus.Pending);
        }
        catch (Exception e) when (StoreFailures.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
        {
            // Not rethrown: the health check service would log the stack trace at every probe of an outage. The reason
            // goes to the log in the exception's message; the HTTP surface names the failure without quoting it.
            return HealthCheckResult.Unhealthy(StoreUnreachable, new StoreUnavailableException($"{StoreUnreachable} {e.Message}"));
        }
        var data = new Dictionary<string, object>
        {
            ["node"] = processors.NodeId,
            ["leases"] = processors.HeldResources.Count,
            ["lastRebalance"] = processors.All.Any(h => h.LastRebalance is null) ? "never" : processors.All.Min(h => h.LastRebalance)!.Value.ToString("O"),
            ["lastSchedulerRound"] = scheduler.LastRound?.ToString("O") ?? "never",
            ["pendingDeadLetters"] = pending,
        };
        if (processors.All.Any(h => !h.IsRunning) || !scheduler.IsRunning)
            return HealthCheckResult.Unhealthy("The processor host or the periodic scheduler is not running.", data: data);
        if ((processors.All.Select(h => h.LastError).FirstOrDefault(e => e is not null) ?? scheduler.LastError) is { } error)
            return HealthCheckResult.Degraded("The last processor or scheduler round failed; retrying.", error, data);
        if (pending > 0)
            return HealthCheckResult.Degraded($"{pending} dead letter(s) wait for an operator.", data: data);
        return HealthCheckResult.Healthy("Processors and scheduler are running.", data);
    }
}
