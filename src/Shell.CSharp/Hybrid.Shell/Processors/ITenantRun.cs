namespace Hybrid.Shell.Processors;

/// <summary>
/// The work of one processor (or producer) for one tenant under one lease, as the lease worker drives it: in the
/// background (<see cref="Run"/>) or one step at a time (<see cref="Step"/>).
/// </summary>
internal interface ITenantRun
{
    /// <summary>The last position handled.</summary>
    long Position { get; }

    /// <summary>True once the run stopped for good: its lease was lost, or a step failed.</summary>
    bool Ended { get; }

    /// <summary>Runs until <paramref name="stopping"/> fires (graceful) or <paramref name="abort"/> does (hard stop).</summary>
    Task Run(CancellationToken stopping, CancellationToken abort);

    /// <summary>One step; false when there was nothing to do. A <see cref="LeaseLostException"/> ends the run.</summary>
    Task<bool> Step(CancellationToken abort);

    /// <summary>Flushes the checkpoint of what was handled; a lost lease or a hard stop only ends the run.</summary>
    Task FlushOnStop(CancellationToken abort);

    /// <summary>Marks the run ended after a failed step, so its lease is given up and retaken later.</summary>
    void Fail();

    /// <summary>Counts and logs the loss of the run's lease.</summary>
    void LeaseLost(string reason);
}
