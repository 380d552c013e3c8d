namespace Hybrid.InMemory.Simulation;

/// <summary>What a simulation did and found.</summary>
public sealed record SimulationReport
{
    /// <summary>The options of the run (its seed included).</summary>
    public required SimulationOptions Options { get; init; }

    /// <summary>Steps taken before the drain (fewer than asked when a violation stopped the run).</summary>
    public required long StepsTaken { get; init; }

    /// <summary>Steps the end-of-run drain took, faults off.</summary>
    public required long DrainSteps { get; init; }

    /// <summary>Events in the log, over all tenants.</summary>
    public required long Events { get; init; }

    /// <summary>Virtual time covered.</summary>
    public required TimeSpan VirtualTime { get; init; }

    /// <summary>Wall-clock time the run took.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>A digest of every tenant's log (ids, positions, types, bodies, metadata, timestamps): equal for equal runs.</summary>
    public required string LogDigest { get; init; }

    /// <summary>Counters.</summary>
    public required SimulationStats Stats { get; init; }

    /// <summary>What the read-model caches did (L1 and, with a cache directory, LMDB).</summary>
    public required Hybrid.Shell.ReadModels.ReadModelCacheStatistics ReadModelCache { get; init; }

    /// <summary>Faults injected, by kind.</summary>
    public required IReadOnlyDictionary<FaultKind, long> Faults { get; init; }

    /// <summary>Facts verified, by invariant.</summary>
    public required IReadOnlyDictionary<string, long> Checks { get; init; }

    /// <summary>The first violation, or null when every invariant held.</summary>
    public InvariantViolation? Violation { get; init; }

    /// <summary>True when every invariant held.</summary>
    public bool Passed => Violation is null;

    /// <summary>Steps per second of wall-clock time.</summary>
    public double StepsPerSecond => Elapsed.TotalSeconds > 0 ? (StepsTaken + DrainSteps) / Elapsed.TotalSeconds : 0;
}
