namespace Hybrid.Shell.Commands;

/// <summary>A command's persisted events, handed to triggers once the append is durable.</summary>
public sealed record CommittedCommand(Caller Caller, string Command, Guid CommandId, RecordedEvent[] Events);

/// <summary>
/// A hook run after a command's append commits. A trigger that throws never undoes the commit: the failure is
/// logged and reported in the accepted outcome.
/// </summary>
public interface ICommitTrigger
{
    /// <summary>The trigger's name, used in failure reports.</summary>
    string Name { get; }

    /// <summary>Reacts to the committed events.</summary>
    Task OnCommittedAsync(CommittedCommand committed, CancellationToken ct);
}

/// <summary>A trigger from a delegate.</summary>
public sealed class CommitTrigger(string name, Func<CommittedCommand, CancellationToken, Task> onCommitted) : ICommitTrigger
{
    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public Task OnCommittedAsync(CommittedCommand committed, CancellationToken ct) => onCommitted(committed, ct);
}
