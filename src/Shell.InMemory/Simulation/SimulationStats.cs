namespace Hybrid.InMemory.Simulation;

/// <summary>Counters of what a simulation did.</summary>
public sealed class SimulationStats
{
    /// <summary>Commands that wrote events.</summary>
    public long CommandsAccepted { get; set; }
    /// <summary>Commands that were accepted with nothing to change.</summary>
    public long CommandsUnchanged { get; set; }
    /// <summary>Commands a business rule refused.</summary>
    public long CommandsRejected { get; set; }
    /// <summary>Commands whose caller was not authorized.</summary>
    public long CommandsUnauthorized { get; set; }
    /// <summary>Commands given up after infrastructure failures or conflicts.</summary>
    public long CommandsFailed { get; set; }
    /// <summary>Appends whose condition failed because something matching the lookup appeared (then retried).</summary>
    public long Conflicts { get; set; }
    /// <summary>Writes refused because the writer's lease was lost (stale fencing token).</summary>
    public long FencedWrites { get; set; }
    /// <summary>Events processors handled.</summary>
    public long EventsProcessed { get; set; }
    /// <summary>Events dead-lettered after repeated handler failures.</summary>
    public long DeadLetters { get; set; }
    /// <summary>Effects run.</summary>
    public long EffectsRun { get; set; }
    /// <summary>Periodic triggers appended.</summary>
    public long TriggersFired { get; set; }
    /// <summary>Periodic triggers another node had already appended.</summary>
    public long TriggersAlreadyFired { get; set; }
    /// <summary>Process-manager deadlines fired.</summary>
    public long DeadlinesFired { get; set; }
    /// <summary>Deadline firings another node had already appended.</summary>
    public long DeadlinesAlreadyFired { get; set; }
    /// <summary>Read-model reads.</summary>
    public long ReadModelReads { get; set; }
    /// <summary>Subjects forgotten (crypto-shredding), when the run declares personal data.</summary>
    public long SubjectsForgotten { get; set; }
}
