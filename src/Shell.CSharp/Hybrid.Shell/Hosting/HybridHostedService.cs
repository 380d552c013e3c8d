using Hybrid.Shell.Processors;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// Starts the todo-processor hosts and the periodic and deadline schedulers with the application, and stops them
/// gracefully: the schedulers first, then processors (each finishes its event in flight, flushes its checkpoint and releases its
/// leases so other nodes take over at once), then read-model write-back is flushed. If the host's shutdown timeout
/// fires first, work in flight is abandoned (checkpoints keep it safe: it is redone elsewhere).
/// </summary>
public sealed class HybridHostedService(ProcessorHosts processors, PeriodicScheduler scheduler, DeadlineScheduler deadlines,
    ReadModelEngine readModels, ILogger<HybridHostedService> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await processors.StartAsync(cancellationToken);
        await scheduler.StartAsync(cancellationToken);
        await deadlines.StartAsync(cancellationToken);
        logger.LogInformation("Hybrid started on node {Node}.", processors.NodeId);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await scheduler.StopAsync(cancellationToken);
        await deadlines.StopAsync(cancellationToken);
        await processors.StopAsync(cancellationToken);
        await readModels.FlushAsync(cancellationToken);
        logger.LogInformation("Hybrid stopped on node {Node}.", processors.NodeId);
    }
}
