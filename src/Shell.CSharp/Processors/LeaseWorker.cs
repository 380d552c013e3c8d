using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The work of one held lease: a run per tenant the lease covers (one tenant, or every known tenant of a shard).
/// Stopping is graceful: each run finishes its event in flight and flushes its checkpoint.
/// </summary>
internal sealed class LeaseWorker(ProcessorRuntime runtime, TodoProcessor processor, EventExecutor executor, Lease lease, CancellationToken abort)
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, (TenantProcessorRun Run, Task Task)> _runs = new(StringComparer.Ordinal);

    /// <summary>The lease, refreshed by renewals (the fencing token never changes).</summary>
    public Lease Lease { get; set; } = lease;

    /// <summary>True when a run ended without being asked to stop (its lease was lost, or it failed).</summary>
    public bool Ended => !_stopping.IsCancellationRequested && _runs.Values.Any(r => r.Task.IsCompleted);

    /// <summary>The last handled position per tenant.</summary>
    public IEnumerable<(string Tenant, long Position)> Positions => _runs.Select(r => (r.Key, r.Value.Run.Position));

    /// <summary>Starts runs for the covered tenants that have none yet.</summary>
    public void Cover(IEnumerable<string> knownTenants)
    {
        if (_stopping.IsCancellationRequested) return;
        foreach (var tenant in TodoProcessorModule.tenantsOf(processor, Lease.Resource, knownTenants))
        {
            if (_runs.ContainsKey(tenant)) continue;
            var run = new TenantProcessorRun(runtime, processor, executor, tenant, Lease);
            _runs[tenant] = (run, Task.Run(() => Guarded(run, tenant)));
        }
    }

    private async Task Guarded(TenantProcessorRun run, string tenant)
    {
        try { await run.Run(_stopping.Token, abort); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
        catch (Exception ex)
        {
            runtime.Logger.LogError(ex, "Tenant {Tenant}: processor {Processor} failed; its lease is given up and retaken later.", tenant, processor.Name);
        }
    }

    /// <summary>Stops every run after its event in flight and waits for them.</summary>
    public async Task Stop()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_runs.Values.Select(r => r.Task));
    }
}
