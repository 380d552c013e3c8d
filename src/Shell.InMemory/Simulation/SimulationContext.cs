using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Ids;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Lifecycle;
using Hybrid.InMemory.Processors;
using Hybrid.InMemory.Time;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Routing;
using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Everything the parts of one simulation share: the virtual clock, the in-memory store behind the fault injector,
/// leases, seeded ids, the ledger of what the shell saw, counters and the activity observer.
/// </summary>
public sealed class SimulationContext
{
    private readonly Dictionary<string, TenantLedger> _ledgers = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _proposed = [];

    /// <summary>A context for an application, seeded.</summary>
    public SimulationContext(SimulatedApplication application, SimulationOptions options)
    {
        Application = application;
        Options = options;
        Clock = new VirtualClock(options.Start);
        Faults = new FaultInjector(unchecked(options.Seed * 31 + 7), options.Faults);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Databases, 1, nameof(options.Databases));
        if (options.Databases == 1) MemoryStore = options.EventStore?.Invoke(Clock) ?? new InMemoryEventStore(Clock);
        else
        {
            var names = Enumerable.Range(1, options.Databases).Select(i => $"db{i}").ToArray();
            var map = new TenancyMap(names, options.TenantIds.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => names[x.i % names.Length]), clock: Clock);
            Databases = new TenantDatabases(names, (name, _) => Task.FromResult(
                new TenantDatabase(name, new InMemoryEventStore(Clock), new InMemoryLeaseStore(Clock), new InMemoryDeadLetterStore())));
            MemoryStore = new RoutingEventStore(map, Databases);
            Outages = new DatabaseOutages(map, Faults, Clock);
        }
        Ids = new RecordingIdSource(new SeededIdSource(options.Seed, Clock), _proposed);
        if (options.PersonalData is { } policy) Shredding = new CryptoShreddingEventStore(MemoryStore, policy, new InMemorySubjectKeyStore(), Ids);
        var faulty = new FaultyEventStore((IEventStore?)Shredding ?? MemoryStore, Faults, Clock, options.Sabotage) { Outages = Outages };
        faulty.TakeInterleaving = () =>
        {
            var action = BeforeNextAppend;
            BeforeNextAppend = null;
            return action;
        };
        Store = faulty;
        Leases = options.LeaseStore?.Invoke(Clock) ?? new InMemoryLeaseStore(Clock);
        EngineClock = new SteppedClock(Clock, Loop);
        faulty.Observer = new LedgerRecorder(this);
        faulty.Ids = Ids;
    }

    /// <summary>The application under simulation.</summary>
    public SimulatedApplication Application { get; }

    /// <summary>The application's processors, its process managers' included.</summary>
    public TodoProcessor[] Processors => [.. Simulated.processors(Application)];

    /// <summary>The application's process managers.</summary>
    public ProcessManager[] ProcessManagers => [.. Application.ProcessManagers];

    /// <summary>The application's periodic tasks.</summary>
    public PeriodicTask[] PeriodicTasks => [.. Application.PeriodicTasks];

    /// <summary>The application's read models.</summary>
    public ReadModelDefinition[] ReadModels => [.. Simulated.readModels(Application)];

    /// <summary>The run's options.</summary>
    public SimulationOptions Options { get; }

    /// <summary>The virtual clock.</summary>
    public VirtualClock Clock { get; }

    /// <summary>The fault injector.</summary>
    public FaultInjector Faults { get; }

    /// <summary>
    /// The store without faults: one in-memory store (or the one <see cref="SimulationOptions.EventStore"/> opened), or the
    /// routing store over the databases of a multi-database run.
    /// </summary>
    public IEventStore MemoryStore { get; }

    /// <summary>Crypto-shredding over <see cref="MemoryStore"/> when the run declares personal data, else null.</summary>
    public CryptoShreddingEventStore? Shredding { get; }

    /// <summary>The store as readers see it, without faults: personal values unsealed (the run's digest is of it).</summary>
    public IEventStore Readable => (IEventStore?)Shredding ?? MemoryStore;

    /// <summary>The subjects forgotten so far, per tenant.</summary>
    public Dictionary<string, List<ForgottenSubject>> Forgotten { get; } = new(StringComparer.Ordinal);

    /// <summary>The databases of a multi-database run (each an in-memory store), or null.</summary>
    public TenantDatabases? Databases { get; }

    /// <summary>Which databases are down, in a multi-database run; null otherwise.</summary>
    public DatabaseOutages? Outages { get; }

    /// <summary>The store every part uses: the in-memory store (under crypto-shredding when personal data is declared) behind the fault injector.</summary>
    public IEventStore Store { get; }

    /// <summary>The step loop's synchronization context: posted work runs on the step loop's thread.</summary>
    public StepLoopContext Loop { get; } = new();

    /// <summary>The virtual clock as the processor engines see it: their retry back-offs move it on.</summary>
    public SteppedClock EngineClock { get; }

    /// <summary>The processors' dead letters.</summary>
    public InMemoryDeadLetterStore DeadLetters { get; } = new();

    /// <summary>Who acts now (a node's id while it steps), for the activity lines the store's observer records.</summary>
    public string Acting { get; set; } = "";

    /// <summary>Processor leases on the virtual clock.</summary>
    public ILeaseStore Leases { get; }

    /// <summary>Seeded event and command ids; every id minted counts as proposed.</summary>
    public IIdSource Ids { get; }

    /// <summary>Counters.</summary>
    public SimulationStats Stats { get; } = new();

    /// <summary>Records an id proposed with a given (not minted) id, such as a processor's deterministic emit ids.</summary>
    public void Propose(Guid id) => _proposed.Add(id);

    /// <summary>The current step.</summary>
    public long Step { get; set; }

    /// <summary>Called for every activity, when set.</summary>
    public Action<SimulationActivity>? Observer { get; set; }

    /// <summary>True when the planted bug is set.</summary>
    public bool Has(Sabotage sabotage) => (Options.Sabotage & sabotage) != 0;

    /// <summary>What the shell saw of a tenant.</summary>
    public TenantLedger Ledger(string tenant)
    {
        if (!_ledgers.TryGetValue(tenant, out var ledger)) _ledgers[tenant] = ledger = new TenantLedger(_proposed);
        return ledger;
    }

    /// <summary>Reports an activity to the observer.</summary>
    public void Record(ActivityKind kind, string tenant, string who, string what, string outcome) =>
        Observer?.Invoke(new SimulationActivity(Step, Clock.GetUtcNow(), kind, tenant, who, what, outcome));

    /// <summary>Runs once, just before the next append is written (a concurrent writer slipping in), then is cleared.</summary>
    public Action? BeforeNextAppend { get; set; }

    /// <summary>
    /// The result of a task. The in-memory ports answer synchronously; an engine that yields (a retry after a
    /// conflict) continues on the step loop's thread (see <see cref="StepLoopContext"/>) while the step loop waits, so
    /// only one thing runs at a time and the run stays deterministic.
    /// </summary>
    public static T Sync<T>(Task<T> task)
    {
        if (!task.IsCompleted && SynchronizationContext.Current is StepLoopContext loop) loop.RunUntil(task);
        return task.GetAwaiter().GetResult();
    }
}
