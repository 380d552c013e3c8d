using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>What a simulation runs: the seed that decides everything, how long, how wide, and which faults.</summary>
public sealed record SimulationOptions
{
    /// <summary>The seed: the same seed gives the same run, event for event.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How many scheduler steps to take (drain steps at the end come on top).</summary>
    public long Steps { get; init; } = 10_000;

    /// <summary>How many tenants the workload spreads over.</summary>
    public int Tenants { get; init; } = 4;

    /// <summary>
    /// How many databases the tenants are spread over (round robin, through a tenancy map and its routing store); with
    /// more than one, <see cref="FaultRates.DatabaseOutage"/> takes one down now and then.
    /// </summary>
    public int Databases { get; init; } = 1;

    /// <summary>How many nodes run processors and periodic tasks.</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>The faults and how often.</summary>
    public FaultRates Faults { get; init; } = FaultRates.Default;

    /// <summary>Every this many steps, the invariants are checked for one tenant (in turn); all are checked at the end.</summary>
    public int CheckEvery { get; init; } = 2_000;

    /// <summary>The virtual clock's start.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 31, 23, 0, 0, TimeSpan.Zero);

    /// <summary>The longest the clock moves on in one step.</summary>
    public TimeSpan MaxStepAdvance { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a processor lease lasts without renewal.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Opens the event store of a single-database run on the virtual clock (e.g. the embedded LMDB store in a
    /// directory); null: a new in-memory store. The caller owns (and disposes) what it opens.
    /// </summary>
    public Func<TimeProvider, IEventStore>? EventStore { get; init; }

    /// <summary>
    /// Opens the processors' lease store on the virtual clock, called once <see cref="EventStore"/> opened the store; null:
    /// a new in-memory one. Give the store's own lease store when the store outlives the run: its checkpoints are fenced
    /// by the run's tokens, and a later host's leases must continue from them rather than start again at 1.
    /// </summary>
    public Func<TimeProvider, ILeaseStore>? LeaseStore { get; init; }

    /// <summary>An LMDB directory for the read models' second-level cache; null keeps them in memory only.</summary>
    public string? ReadModelCacheDirectory { get; init; }

    /// <summary>Deliberate bugs, for tests proving the invariants catch them.</summary>
    public Sabotage Sabotage { get; init; } = Sabotage.None;

    /// <summary>The application's own invariants, checked beside the built-in ones (see <see cref="Hybrid.Simulation.Invariant"/>).</summary>
    public IReadOnlyList<Invariant> Invariants { get; init; } = [];

    /// <summary>
    /// The application's personal data: when set, every part reads and writes through crypto-shredding (keys in memory),
    /// a step now and then forgets a subject of a tenant (and rebuilds the tenant's read models), and the invariant
    /// <see cref="ForgottenSubjects.Invariant"/> checks that a forgotten subject's values never reappear.
    /// </summary>
    public PersonalDataPolicy? PersonalData { get; init; }

    /// <summary>Describes how to replay a run with these options; null gives the sample's command line.</summary>
    public Func<SimulationOptions, string>? DescribeReplay { get; init; }

    /// <summary>The tenants' ids.</summary>
    public IReadOnlyList<string> TenantIds => Enumerable.Range(1, Tenants).Select(i => $"tenant-{i}").ToArray();

    /// <summary>
    /// The command that replays this run, with every flag that shapes it: seed, steps, tenants, databases, the planted bug, and
    /// whether read models are kept in memory only (an LMDB cache, fresh or not, does not change the run); an
    /// application's own description when <see cref="DescribeReplay"/> is given.
    /// </summary>
    public string ReplayCommand => DescribeReplay?.Invoke(this)
        ?? $"hybrid-sample simulate --seed {Seed} --steps {Steps} --tenants {Tenants}"
        + (Databases == 1 ? "" : $" --databases {Databases}")
        + (Sabotage == Sabotage.None ? "" : $" --plant-bug {Sabotage}")
        + (ReadModelCacheDirectory is null ? " --memory-only" : "");

    /// <summary>The same options for another run shape (what a shrinker varies).</summary>
    public SimulationOptions Reshaped(int seed, long steps, int tenants, int nodes, FaultRates faults) =>
        this with { Seed = seed, Steps = steps, Tenants = tenants, Nodes = nodes, Faults = faults };

    /// <summary>The same options with more invariants, and the replay description when one is given.</summary>
    public SimulationOptions WithInvariants(IEnumerable<Invariant> more, Func<SimulationOptions, string>? describeReplay = null) =>
        this with { Invariants = [.. Invariants, .. more], DescribeReplay = describeReplay ?? DescribeReplay };

    /// <summary>The same options checking the invariants every this many steps.</summary>
    public SimulationOptions WithCheckEvery(int steps) => this with { CheckEvery = steps };
}
