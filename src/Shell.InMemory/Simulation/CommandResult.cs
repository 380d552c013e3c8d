namespace Hybrid.InMemory.Simulation;

/// <summary>How a command ended.</summary>
public enum CommandStatus
{
    /// <summary>Events were written.</summary>
    Accepted,
    /// <summary>Accepted with nothing to change: no events.</summary>
    Unchanged,
    /// <summary>A business rule refused it; nothing was written.</summary>
    Rejected,
    /// <summary>The caller may not run it; nothing was written.</summary>
    Unauthorized,
    /// <summary>Infrastructure failures or conflicts outlasted the retries; it may or may not have been written.</summary>
    Failed,
}

/// <summary>A command's outcome, the events it wrote and a sentence for people.</summary>
public sealed record CommandResult(CommandStatus Status, RecordedEvent[] Events, string Message);
