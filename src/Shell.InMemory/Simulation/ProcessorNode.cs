namespace Hybrid.InMemory.Simulation;

/// <summary>
/// A simulated host node: runs processor workers and periodic tasks for every tenant. It can pause (keeping its
/// in-memory state, so it may come back with leases that expired meanwhile) or crash (losing that state) and restart.
/// </summary>
public sealed class ProcessorNode(SimulationContext context, string id)
{
    private readonly Dictionary<(string Processor, string Tenant), ProcessorWorker> _workers = [];
    private readonly PeriodicRunner _periodic = new(context, id);
    private long _downUntil;

    /// <summary>The node's id, also its lease owner name.</summary>
    public string Id { get; } = id;

    /// <summary>True when the node takes steps now.</summary>
    public bool IsUp => context.Step >= _downUntil;

    /// <summary>Takes one step of a processor for a tenant. True when it did work.</summary>
    public bool Step(TodoProcessor processor, string tenant)
    {
        if (!IsUp) return false;
        if (!_workers.TryGetValue((processor.Name, tenant), out var worker))
            _workers[(processor.Name, tenant)] = worker = new ProcessorWorker(context, this, processor, tenant);
        return worker.Step();
    }

    /// <summary>Fires the periodic tasks due for every tenant.</summary>
    public void Tick(IReadOnlyList<string> tenants)
    {
        if (IsUp) _periodic.Tick(tenants);
    }

    /// <summary>True when the node's worker for the processor and tenant has handled every event of its topics.</summary>
    public bool IsCaughtUp(TodoProcessor processor, string tenant) =>
        !_workers.TryGetValue((processor.Name, tenant), out var worker) || worker.IsCaughtUp();

    /// <summary>Stops taking steps for a while; in-memory state is kept.</summary>
    public void Pause(long steps)
    {
        _downUntil = context.Step + steps;
        context.Record(ActivityKind.Fault, "", Id, "node paused", $"for {steps} steps (its leases may expire)");
    }

    /// <summary>Crashes: in-memory state is lost; the node restarts after some steps.</summary>
    public void Crash(string where)
    {
        _workers.Clear();
        _periodic.Forget();
        _downUntil = context.Step + context.Faults.Size(20, 400);
        context.Record(ActivityKind.Fault, "", Id, "node crashed", where);
    }

    /// <summary>Comes back at once (the end-of-run drain).</summary>
    public void Resume() => _downUntil = 0;
}
