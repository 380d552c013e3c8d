using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Ids;
using Hybrid.InMemory.Leases;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Everything the parts of one simulation share: the virtual clock, the in-memory store behind the fault injector,
/// leases, seeded ids, the ledger of what the shell saw, counters and the activity observer.
/// </summary>
public sealed class SimulationContext
{
    private readonly Dictionary<string, TenantLedger> _ledgers = new(StringComparer.Ordinal);

    /// <summary>A context for an application, seeded.</summary>
    public SimulationContext(Hybrid.Simulation.SimulatedApplication application, SimulationOptions options)
    {
        Application = application;
        Options = options;
        Clock = new FakeTimeProvider(options.Start);
        Faults = new FaultInjector(unchecked(options.Seed * 31 + 7), options.Faults);
        MemoryStore = new InMemoryEventStore(Clock);
        Store = new FaultyEventStore(MemoryStore, Faults, Clock, options.Sabotage);
        Leases = new InMemoryLeaseStore(Clock);
        Ids = new SeededIdSource(options.Seed, Clock);
    }

    /// <summary>The application under simulation.</summary>
    public Hybrid.Simulation.SimulatedApplication Application { get; }

    /// <summary>The run's options.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The virtual clock.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The fault injector.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The store without faults.</summary>
    public InMemoryEventStore MemoryStore { get; }

    /// <summary>The store every part uses: the in-memory store behind the fault injector.</summary>
    public IEventStore Store { get; }

    /// <summary>Processor leases on the virtual clock.</summary>
    public ILeaseStore Leases { get; }

    /// <summary>Seeded event and command ids.</summary>
    public IIdSource Ids { get; }

    /// <summary>Counters.</summary>
    public SimulationStats Stats { get; } = new();

    /// <summary>The current step.</summary>
    public long Step { get; set; }

    /// <summary>Called for every activity, when set.</summary>
    public Action<SimulationActivity>? Observer { get; set; }

    /// <summary>True when the planted bug is set.</summary>
    public bool Has(Sabotage sabotage) => (Options.Sabotage & sabotage) != 0;

    /// <summary>What the shell saw of a tenant.</summary>
    public TenantLedger Ledger(string tenant)
    {
        if (!_ledgers.TryGetValue(tenant, out var ledger)) _ledgers[tenant] = ledger = new TenantLedger();
        return ledger;
    }

    /// <summary>Reports an activity to the observer.</summary>
    public void Record(ActivityKind kind, string tenant, string who, string what, string outcome) =>
        Observer?.Invoke(new SimulationActivity(Step, Clock.GetUtcNow(), kind, tenant, who, what, outcome));

    /// <summary>
    /// The result of a task that must already be complete: the in-memory shell answers synchronously, which keeps
    /// the step loop single-threaded and the run deterministic.
    /// </summary>
    public static T Sync<T>(Task<T> task)
    {
        if (!task.IsCompleted)
            throw new InvalidOperationException("A simulated operation did not complete synchronously; the deterministic scheduler needs every port to answer at once.");
        return task.GetAwaiter().GetResult();
    }
}
