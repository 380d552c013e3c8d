using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// The work of one held lease: a run per tenant the lease covers (one tenant, or every known tenant of a shard).
/// In the background each run is a task of its own; with <see cref="ProcessorOptions.RunInBackground"/> off the runs
/// only move when <see cref="Step"/> is called. Stopping is graceful: each run finishes its event in flight and
/// flushes its checkpoint.
/// </summary>
internal sealed class LeaseWorker(ProcessorRuntime runtime, TodoProcessor processor, Func<string, Lease, ITenantRun> newRun, Lease lease,
    CancellationToken abort)
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, (ITenantRun Run, Task? Task)> _runs = new(StringComparer.Ordinal);

    /// <summary>The name of the processor this worker runs.</summary>
    public string ProcessorName => processor.Name;

    /// <summary>The lease, refreshed by renewals (the fencing token never changes).</summary>
    public Lease Lease { get; set; } = lease;

    /// <summary>True when a run ended without being asked to stop (its lease was lost, or it failed).</summary>
    public bool Ended => !_stopping.IsCancellationRequested && _runs.Values.Any(r => r.Task?.IsCompleted ?? r.Run.Ended);

    /// <summary>The last handled position per tenant.</summary>
    public IEnumerable<(string Tenant, long Position)> Positions => _runs.Select(r => (r.Key, r.Value.Run.Position));

    /// <summary>Starts runs for the covered tenants that have none yet.</summary>
    public void Cover(IEnumerable<string> knownTenants)
    {
        if (_stopping.IsCancellationRequested) return;
        foreach (var tenant in TodoProcessorModule.tenantsOf(processor, Lease.Resource, knownTenants))
        {
            if (_runs.ContainsKey(tenant)) continue;
            var run = newRun(tenant, Lease);
            _runs[tenant] = (run, runtime.Options.RunInBackground ? Task.Run(() => Guarded(run, tenant)) : null);
        }
    }

    /// <summary>Takes one step of the tenant's run (stepped mode). False when there was nothing to do or the run ended.</summary>
    public async Task<bool> Step(string tenant, CancellationToken ct)
    {
        if (_stopping.IsCancellationRequested || !_runs.TryGetValue(tenant, out var entry)) return false;
        try { return await entry.Run.Step(ct); }
        catch (LeaseLostException lost)
        {
            entry.Run.LeaseLost(lost.Message);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            entry.Run.Fail();
            Failed(ex, tenant);
            return false;
        }
    }

    private async Task Guarded(ITenantRun run, string tenant)
    {
        try { await run.Run(_stopping.Token, abort); }
        catch (OperationCanceledException) when (abort.IsCancellationRequested) { }
        catch (Exception ex) { Failed(ex, tenant); }
    }

    private void Failed(Exception ex, string tenant) =>
        runtime.Logger.LogError(ex, "Tenant {Tenant}: processor {Processor} failed; its lease is given up and retaken later.", tenant, processor.Name);

    /// <summary>Stops every run after its event in flight and waits for them (stepped runs flush their checkpoints).</summary>
    public async Task Stop()
    {
        await _stopping.CancelAsync();
        foreach (var (run, task) in _runs.Values)
            if (task is null && !run.Ended) await run.FlushOnStop(abort);
        await Task.WhenAll(_runs.Values.Select(r => r.Task ?? Task.CompletedTask));
    }
}
