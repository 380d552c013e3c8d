namespace Hybrid.InMemory.Simulation;

/// <summary>What kind of thing happened in a simulation.</summary>
public enum ActivityKind
{
    /// <summary>A command ran (accepted, refused, unauthorized or failed).</summary>
    Command,
    /// <summary>A processor handled an event.</summary>
    Processed,
    /// <summary>An effect ran.</summary>
    Effect,
    /// <summary>A periodic task fired (or found its trigger already fired).</summary>
    Trigger,
    /// <summary>A process-manager deadline fired (or was found fired).</summary>
    Deadline,
    /// <summary>A fault was injected or a node changed state.</summary>
    Fault,
}

/// <summary>One line of a simulation's activity, for the demo's tables and for debugging a failing run.</summary>
public sealed record SimulationActivity(
    long Step,
    DateTimeOffset Time,
    ActivityKind Kind,
    string Tenant,
    string Who,
    string What,
    string Outcome);
