using Hybrid.Shell.Processors;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// Healthy while the processor hosts (one per database of a tenancy map) and the scheduler run and their last rounds succeeded; degraded when a round
/// failed (they retry) or dead letters wait for an operator; unhealthy when either loop stopped.
/// </summary>
public sealed class HybridHealthCheck(ProcessorHosts processors, PeriodicScheduler scheduler, IDeadLetterStore deadLetters) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pending = (await deadLetters.List(null!, null!, cancellationToken)).Count(d => d.Status == DeadLetterStatus.Pending);
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
