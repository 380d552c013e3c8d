namespace Hybrid.Shell.Postgres.Writing;

/// <summary>An append waiting in its tenant's group-commit queue.</summary>
internal sealed class PendingAppend(AppendRequest request)
{
    public AppendRequest Request { get; } = request;

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The characters of the append's bodies (validated appends only): a group gathers at most
    /// <see cref="Limits.AppendBodyBytes"/> of them, so one commit's message stays far below the server's limits.</summary>
    public long BodyChars { get; } = Validation.bodyChars(request.Events);

    /// <summary>True when the append can go through the one-statement path: no condition and no checkpoint.</summary>
    public bool IsUnconditional => Request.Condition.IsNoCondition && Request.Checkpoint is null;
}
