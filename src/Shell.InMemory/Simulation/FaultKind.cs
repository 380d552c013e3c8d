namespace Hybrid.InMemory.Simulation;

/// <summary>The faults a simulation injects.</summary>
public enum FaultKind
{
    /// <summary>An append throws before anything is written.</summary>
    AppendFailedBeforeWrite,
    /// <summary>An append is written but throws before the caller hears of it (a lost acknowledgement).</summary>
    AppendAckLost,
    /// <summary>An append takes long: the virtual clock moves on while it runs.</summary>
    SlowAppend,
    /// <summary>The same command is submitted concurrently by another user between lookup and write.</summary>
    ConcurrentDuplicate,
    /// <summary>A processor's handler throws.</summary>
    HandlerException,
    /// <summary>An effect fails (it did not take place): retried, then compensated or dead-lettered.</summary>
    EffectFailure,
    /// <summary>A node crashes between an effect and its checkpoint, loses its in-memory state and restarts later.</summary>
    ProcessorCrash,
    /// <summary>Two nodes fire deadlines at once: another node's round slips in just before this node's first firing is written.</summary>
    DeadlineRace,
    /// <summary>A node stops taking steps for a while, keeping its in-memory state (its leases may expire meanwhile).</summary>
    NodePause,
    /// <summary>The clock jumps forward by hours or days.</summary>
    ClockJump,
    /// <summary>The read-model cache is lost and rebuilt from the log.</summary>
    ReadModelCacheLoss,
    /// <summary>
    /// One database of a multi-database run (<see cref="SimulationOptions.Databases"/>) goes down for a while: its
    /// tenants' appends fail before writing; the other databases' tenants go on.
    /// </summary>
    DatabaseOutage,
}
