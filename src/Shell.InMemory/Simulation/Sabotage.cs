namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Deliberate bugs a simulation can plant in its own shell, to prove that each invariant catches what it guards.
/// Only tests use them.
/// </summary>
[Flags]
public enum Sabotage
{
    /// <summary>No planted bug.</summary>
    None = 0,
    /// <summary>The command runner runs commands whose authorization failed.</summary>
    BypassAuthorization = 1,
    /// <summary>Processor nodes write with an unbeatable fencing token (ignoring lost leases) and emit with fresh ids.</summary>
    IgnoreFencing = 2,
    /// <summary>After a failed append, the command runner runs the command again (with fresh event ids).</summary>
    RetryWithNewIds = 4,
    /// <summary>The event store hides the third event of every tenant from reads.</summary>
    HideAnEvent = 8,
    /// <summary>Processors run at-most-once effects before writing the checkpoint.</summary>
    EffectBeforeCheckpoint = 16,
    /// <summary>Deadline schedulers read a clock an hour ahead, so deadlines fire early.</summary>
    FireDeadlinesEarly = 32,
    /// <summary>The store drops the "not fired yet" condition of deadline firings, so two nodes may fire one deadline.</summary>
    FireDeadlinesTwice = 64,
}
