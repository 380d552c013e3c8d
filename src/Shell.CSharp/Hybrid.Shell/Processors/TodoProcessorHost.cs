using Hybrid.Shell.Producers;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// Runs a node's todo processors. Every <see cref="ProcessorOptions.RebalanceInterval"/> it renews its node heartbeat
/// and its leases, then follows the fair-share plan (<see cref="Leasing.plan"/>): acquire free resources up to
/// its share, release those beyond it, so leases move to surviving nodes and new nodes take their share.
/// A resource is one (processor, tenant) or one shard of tenants.
/// </summary>
public sealed class TodoProcessorHost : IAsyncDisposable
{
    private readonly ProcessorRuntime _runtime;
    private readonly IReadOnlyList<(TodoProcessor Processor, Func<string, Lease, ITenantRun> NewRun)> _processors;
    private readonly Dictionary<string, LeaseWorker> _workers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _abort = new();
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;
    private Lease? _nodeLease;
    private string[] _tenants = [];
    private ProcessorPause[] _pauses = [];
    private bool _reclaimed;

    /// <summary>
    /// A host for the processors and the producers (which share the processors' leases, checkpoints and dead letters);
    /// throws an <see cref="ArgumentException"/> naming the first invalid definition.
    /// </summary>
    public TodoProcessorHost(ProcessorRuntime runtime, IEnumerable<TodoProcessor> processors, IEnumerable<ProducerRegistration>? producers = null)
    {
        runtime.Options.Validate();
        _runtime = runtime;
        var list = processors.ToList();
        foreach (var p in list)
        {
            var problems = TodoProcessorModule.problems(p);
            if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(processors));
        }
        var entries = list.Select(p => (p, RunsOf(runtime, p))).ToList();
        foreach (var registration in producers ?? [])
        {
            var problems = ProducerModule.problems(registration.Producer);
            if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(producers));
            entries.Add((ProducerModule.asProcessor(registration.Producer), registration.RunsOf(runtime)));
        }
        var duplicate = entries.GroupBy(p => p.Item1.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two processors or producers are named '{duplicate.Key}'.", nameof(processors));
        _processors = entries;
    }

    private static Func<string, Lease, ITenantRun> RunsOf(ProcessorRuntime runtime, TodoProcessor processor)
    {
        var executor = new EventExecutor(runtime, processor);
        return (tenant, lease) => new TenantProcessorRun(runtime, processor, executor, tenant, lease);
    }

    /// <summary>The processors this host runs, producers included (as the processors they run as).</summary>
    public IReadOnlyList<TodoProcessor> Processors => _processors.Select(p => p.Processor).ToArray();

    /// <summary>This node's id.</summary>
    public string NodeId => _runtime.Options.NodeId;

    /// <summary>The lease resources this node works on.</summary>
    public IReadOnlyCollection<string> HeldResources { get { lock (_workers) return _workers.Keys.Order(StringComparer.Ordinal).ToArray(); } }

    /// <summary>When the last rebalancing round completed, or null before the first.</summary>
    public DateTimeOffset? LastRebalance { get; private set; }

    /// <summary>The failure of the last rebalancing round, or null when it succeeded.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>True while the rebalancing loop runs.</summary>
    public bool IsRunning => _stopping is { IsCancellationRequested: false } && !_loop.IsCompleted;

    /// <summary>The last position this node handled for a processor and tenant, or null when it does not run it.</summary>
    public long? PositionOf(string processor, string tenant)
    {
        lock (_workers)
            foreach (var (resource, worker) in _workers)
                if (resource.StartsWith($"processor/{processor}/", StringComparison.Ordinal))
                    foreach (var (t, position) in worker.Positions)
                        if (t == tenant) return position;
        return null;
    }

    /// <summary>Starts the rebalancing loop; the first round runs at once. Stepped hosts (a simulation) start nothing.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        _stopping = new CancellationTokenSource();
        if (!_runtime.Options.RunInBackground) return Task.CompletedTask;
        _loop = Loop(_stopping.Token);
        return Task.CompletedTask;
    }

    private Task Loop(CancellationToken stopping) =>
        RecurringRounds.Run(Rebalance, () => _runtime.Options.RebalanceInterval, _runtime.Clock, error => LastError = error,
            _runtime.Logger, $"Node {NodeId}: rebalancing processor leases failed; retrying.", stopping);

    /// <summary>
    /// One rebalancing round: heartbeat (and forget nodes gone for <see cref="ProcessorOptions.ForgetNodesAfter"/>),
    /// renew, release the excess, acquire up to the fair share. The first round also takes back the leases a previous
    /// run of this node id still holds.
    /// </summary>
    public async Task Rebalance(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var duration = _runtime.Options.LeaseDuration;
            var node = await _runtime.Leases.TryAcquire(Leasing.nodeResource(NodeId), NodeId, duration, ct);
            _nodeLease = node?.Value;
            await _runtime.Leases.ForgetNodes(_runtime.Options.ForgetNodesAfter, ct);
            var nodes = (await _runtime.Leases.List(Leasing.nodePrefix, ct)).Select(l => l.Owner).ToArray();
            _tenants = await _runtime.Store.GetTenants(ct);
            _pauses = await _runtime.Leases.Pauses(ct);
            foreach (var (processor, _) in _processors) await RenewOrDrop(processor, ct);
            await FollowFairShare(nodes, ct);
            LastRebalance = _runtime.Clock.GetUtcNow();
        }
        finally { _gate.Release(); }
    }

    /// <summary>Renews the leases of the processor's workers; a worker whose lease is lost (or whose run ended) stops.</summary>
    private async Task RenewOrDrop(TodoProcessor processor, CancellationToken ct)
    {
        foreach (var (resource, worker) in WorkersOf(TodoProcessorModule.leasePrefix(processor)))
        {
            var renewed = worker.Ended ? null : await _runtime.Leases.Renew(worker.Lease, _runtime.Options.LeaseDuration, ct);
            if (renewed is not null) { worker.Lease = renewed.Value; continue; }
            _runtime.Logger.LogWarning("Node {Node}: lost or gave up the lease on {Resource}.", NodeId, resource);
            ProcessorTelemetry.LeasesLost.Add(1, new KeyValuePair<string, object?>("hybrid.processor", processor.Name));
            Remove(resource);
            await worker.Stop();
            await _runtime.Leases.Release(worker.Lease, ct);
        }
    }

    /// <summary>
    /// Honours operators' pauses: a worker running a paused tenant stops and gives its lease up (a shard's lease is
    /// taken again for its other tenants), and a resource whose every tenant is paused is not wanted at all.
    /// </summary>
    private async Task GiveUpPaused(Dictionary<string, (TodoProcessor Processor, Func<string, Lease, ITenantRun> NewRun)> owners, CancellationToken ct)
    {
        foreach (var (resource, processor) in owners.Select(o => (o.Key, o.Value.Processor)).ToList())
        {
            var tenants = TodoProcessorModule.tenantsOf(processor, resource, _tenants).ToArray();
            if (Pausing.isPaused(_pauses, processor.Name, Pausing.everyTenant)
                || (tenants.Length > 0 && tenants.All(t => Pausing.isPaused(_pauses, processor.Name, t))))
                owners.Remove(resource);
        }
        foreach (var (resource, worker) in WorkersOf(TodoProcessorModule.allLeasesPrefix))
            if (!owners.ContainsKey(resource) || worker.Positions.Any(p => Pausing.isPaused(_pauses, worker.ProcessorName, p.Tenant)))
                await StopAndRelease(resource, ct);
    }

    /// <summary>The known tenants a processor may run now (those no pause stops).</summary>
    private string[] RunnableTenants(string processor) => _tenants.Where(t => !Pausing.isPaused(_pauses, processor, t)).ToArray();

    /// <summary>
    /// One fair-share plan over the resources of every processor together, so that a few tenants with several
    /// processors still spread over the nodes; then the runs of every held lease cover the known tenants.
    /// </summary>
    private async Task FollowFairShare(string[] nodes, CancellationToken ct)
    {
        var owners = new Dictionary<string, (TodoProcessor Processor, Func<string, Lease, ITenantRun> NewRun)>(StringComparer.Ordinal);
        foreach (var entry in _processors)
            foreach (var resource in TodoProcessorModule.leaseResources(entry.Processor, _tenants))
                owners[resource] = entry;
        await GiveUpPaused(owners, ct);
        var held = await _runtime.Leases.List(TodoProcessorModule.allLeasesPrefix, ct);
        if (!_reclaimed)
        {
            held = await ReclaimPreviousRun(held, owners, ct);
            _reclaimed = true;
        }
        var plan = Leasing.plan(NodeId, [.. owners.Keys], held, nodes);
        foreach (var resource in plan.Release)
            await StopAndRelease(resource, ct);
        foreach (var resource in plan.Acquire)
        {
            var (processor, newRun) = owners[resource];
            var lease = await _runtime.Leases.TryAcquire(resource, NodeId, _runtime.Options.LeaseDuration, ct);
            if (lease is null) continue;
            ProcessorTelemetry.LeasesAcquired.Add(1, new KeyValuePair<string, object?>("hybrid.processor", processor.Name));
            _runtime.Logger.LogInformation("Node {Node}: acquired {Resource} with fencing token {Token}.", NodeId, resource, lease.Value.FencingToken);
            lock (_workers) _workers[resource] = new LeaseWorker(_runtime, processor, newRun, lease.Value, _abort.Token);
        }
        foreach (var (_, worker) in WorkersOf(TodoProcessorModule.allLeasesPrefix)) worker.Cover(RunnableTenants(worker.ProcessorName));
    }

    /// <summary>
    /// A node restarted with its id finds leases still held in its name by its previous run, which nothing renews. It
    /// releases each and acquires it again: a new fencing token, so anything the previous run still writes is refused,
    /// and work resumes at once instead of after the lease expires. Returns the held leases as they are now.
    /// </summary>
    private async Task<Lease[]> ReclaimPreviousRun(Lease[] held, Dictionary<string, (TodoProcessor Processor, Func<string, Lease, ITenantRun> NewRun)> owners,
        CancellationToken ct)
    {
        var now = new List<Lease>();
        foreach (var lease in held)
        {
            bool running;
            lock (_workers) running = _workers.ContainsKey(lease.Resource);
            if (lease.Owner != NodeId || running)
            {
                now.Add(lease);
                continue;
            }
            await _runtime.Leases.Release(lease, ct);
            if (!owners.TryGetValue(lease.Resource, out var entry)) continue;
            var taken = await _runtime.Leases.TryAcquire(lease.Resource, NodeId, _runtime.Options.LeaseDuration, ct);
            if (taken is null) continue;
            _runtime.Logger.LogInformation("Node {Node}: took back {Resource} from its previous run with fencing token {Token} (was {Old}).",
                NodeId, lease.Resource, taken.Value.FencingToken, lease.FencingToken);
            ProcessorTelemetry.LeasesAcquired.Add(1, new KeyValuePair<string, object?>("hybrid.processor", entry.Processor.Name));
            lock (_workers) _workers[lease.Resource] = new LeaseWorker(_runtime, entry.Processor, entry.NewRun, taken.Value, _abort.Token);
            now.Add(taken.Value);
        }
        return now.ToArray();
    }

    private List<(string Resource, LeaseWorker Worker)> WorkersOf(string prefix)
    {
        lock (_workers)
            return _workers.Where(w => w.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(w => (w.Key, w.Value)).ToList();
    }

    private void Remove(string resource)
    {
        lock (_workers) _workers.Remove(resource);
    }

    private async Task StopAndRelease(string resource, CancellationToken ct)
    {
        LeaseWorker? worker;
        lock (_workers) _workers.Remove(resource, out worker);
        if (worker is null) return;
        await worker.Stop();
        await Release(worker.Lease, ct);
    }

    /// <summary>Hands a lease back; when the store cannot be reached the lease simply expires, and stopping goes on.</summary>
    private async Task Release(Lease lease, CancellationToken ct)
    {
        try
        {
            await _runtime.Leases.Release(lease, ct);
        }
        catch (Exception e) when (Stores.StoreFailures.IsUnavailable(e))
        {
            _runtime.Logger.LogWarning("Node {Node}: lease {Resource} was not released (the store is unavailable: {Error}); it expires by itself.",
                NodeId, lease.Resource, e.Message);
        }
    }

    /// <summary>
    /// Takes one step of a processor for a tenant: claims its checkpoint, or handles its next event, or flushes and
    /// reads the next batch. Only with <see cref="ProcessorOptions.RunInBackground"/> off, for deterministic simulations.
    /// Returns false when this node does not hold the tenant's lease, the run is caught up, or it ended.
    /// </summary>
    public async Task<bool> StepAsync(string processor, string tenant, CancellationToken ct)
    {
        if (_runtime.Options.RunInBackground)
            throw new InvalidOperationException($"Node {NodeId}: StepAsync needs ProcessorOptions.RunInBackground off; its runs step on their own.");
        await _gate.WaitAsync(ct);
        try
        {
            var (_, resource) = Find(processor, tenant);
            LeaseWorker? worker;
            lock (_workers) _workers.TryGetValue(resource, out worker);
            if (worker is null) return false;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _abort.Token);
            return await worker.Step(tenant, linked.Token);
        }
        finally { _gate.Release(); }
    }

    private ((TodoProcessor Processor, Func<string, Lease, ITenantRun> NewRun) Entry, string Resource) Find(string processor, string tenant)
    {
        var entry = _processors.FirstOrDefault(p => p.Processor.Name == processor);
        if (entry.Processor is null) throw new ArgumentException($"No processor is named '{processor}'.", nameof(processor));
        var resource = TodoProcessorModule.leaseResources(entry.Processor, [tenant])
            .FirstOrDefault(r => TodoProcessorModule.tenantsOf(entry.Processor, r, [tenant]).Contains(tenant));
        return (entry, resource ?? "");
    }

    /// <summary>
    /// Rebuilds a processor for a tenant from position 0 (an explicit operation: emits are not duplicated, since
    /// emitted ids derive from the source event, but effects run again). Only the node holding the tenant's lease
    /// can do it; returns false elsewhere.
    /// </summary>
    public async Task<bool> Rebuild(string processor, string tenant, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var (entry, resource) = Find(processor, tenant);
            LeaseWorker? worker;
            lock (_workers) _workers.Remove(resource, out worker);
            if (worker is null) return false;
            await worker.Stop();
            await _runtime.Store.ResetCheckpoint(tenant, processor, 0, ct);
            var restarted = new LeaseWorker(_runtime, entry.Processor, entry.NewRun, worker.Lease, _abort.Token);
            lock (_workers) _workers[resource] = restarted;
            restarted.Cover(RunnableTenants(processor));
            return true;
        }
        finally { _gate.Release(); }
    }

    /// <summary>Stops gracefully: runs finish their event in flight and flush checkpoints, then leases are released.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_stopping is null) return;
        await _stopping.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        await using var hardStop = ct.Register(() => _abort.Cancel());
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            List<string> resources;
            lock (_workers) resources = _workers.Keys.ToList();
            foreach (var resource in resources) await StopAndRelease(resource, CancellationToken.None);
            if (_nodeLease is not null) await Release(_nodeLease, CancellationToken.None);
            _nodeLease = null;
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Stops at once, as a killed process would: work in flight is abandoned, no checkpoint is flushed and no lease
    /// is released (they expire). For simulations and crash tests.
    /// </summary>
    public async Task CrashAsync()
    {
        _stopping?.Cancel();
        await _abort.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        List<LeaseWorker> workers;
        lock (_workers)
        {
            workers = _workers.Values.ToList();
            _workers.Clear();
        }
        foreach (var worker in workers) await worker.Stop();
        _nodeLease = null;
    }

    /// <summary>Stops without waiting for a graceful end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _abort.CancelAsync();
        await StopAsync(CancellationToken.None);
    }
}
