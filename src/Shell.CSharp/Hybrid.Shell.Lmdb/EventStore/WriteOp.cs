namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One member of a group commit: work run inside the writer's transaction. Its outcome is told only after the
/// commit is synced; work that throws fails its member alone.
/// </summary>
internal abstract class WriteOp(int events, string? tenant)
{
    /// <summary>How many events the member writes (the group's size is bounded in events).</summary>
    public int Events { get; } = events;

    /// <summary>The tenant whose subscriptions wake after the commit, or null.</summary>
    public string? Tenant { get; } = tenant;

    /// <summary>True when the member's work threw: it wrote nothing and fails with that exception.</summary>
    public bool HasFailed { get; protected set; }

    /// <summary>Runs the work (again, when a commit is retried after the map grew).</summary>
    public abstract void Run(StoreTxn txn);

    /// <summary>Records that the work threw: the member fails with it once the group is done.</summary>
    public abstract void Fail(Exception error);

    /// <summary>Tells the caller the outcome; called once the group committed.</summary>
    public abstract void Complete();

    /// <summary>Tells the caller the group could not commit.</summary>
    public abstract void Abort(Exception error);
}

/// <summary>A member whose work returns a value.</summary>
internal sealed class WriteOp<T>(Func<StoreTxn, T> work, int events, string? tenant) : WriteOp(events, tenant)
{
    private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? _result;
    private Exception? _error;

    public Task<T> Task => _done.Task;

    public override void Run(StoreTxn txn)
    {
        HasFailed = false;
        _error = null;
        _result = work(txn);
    }

    public override void Fail(Exception error)
    {
        HasFailed = true;
        _error = error;
    }

    public override void Complete()
    {
        if (_error is not null) _done.TrySetException(_error);
        else _done.TrySetResult(_result!);
    }

    public override void Abort(Exception error) => _done.TrySetException(error);
}
