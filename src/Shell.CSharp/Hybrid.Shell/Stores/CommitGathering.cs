namespace Hybrid.Shell.Stores;

/// <summary>
/// When a group-commit writer waits for more appends before its next commit. The members a commit releases mostly
/// append again at once (closed-loop callers); committing whatever is queued as soon as a commit ends takes the few
/// that were not in the group while the others come back behind them, so at eight callers groups alternate 1, 7, 1, 7:
/// half the events a commit. After a commit, the writer therefore waits until the callers it knows of (the group it
/// committed and those that were already waiting behind it) are queued again, or until a window as long as that commit
/// (1 to 8 ms) has passed, or until a full batch is queued. A lone caller's append (a group of one with nobody behind
/// it) is not held. The LMDB and PostgreSQL writers follow it. Not thread-safe: the writer holds its own lock around it.
/// </summary>
internal struct CommitGathering
{
    private int _gatherFor; // 0: not gathering
    private long _until;

    /// <summary>
    /// Records a commit of <paramref name="groupSize"/> appends that ran from <paramref name="started"/> to
    /// <paramref name="now"/> (timestamps of <paramref name="frequency"/> ticks a second), with <paramref name="behind"/>
    /// appends already queued behind the group when it started (the group's own members may be back in the queue by
    /// the time it ends, so the queue then would count them twice).
    /// </summary>
    public void Committed(int groupSize, int behind, long started, long now, long frequency)
    {
        var callers = groupSize + behind;
        _gatherFor = callers > 1 ? callers : 0;
        _until = now + Math.Clamp(now - started, frequency / 1000, frequency / 125);
    }

    /// <summary>Whether the writer is waiting for callers to come back.</summary>
    public readonly bool Active => _gatherFor > 0;

    /// <summary>Whether enough appends are queued to end the wait.</summary>
    public readonly bool Complete(int queued) => queued >= _gatherFor;

    /// <summary>
    /// Ticks left to wait with <paramref name="queued"/> appends queued at <paramref name="now"/>; zero or less: commit
    /// now. Ends the wait once it has nothing left.
    /// </summary>
    public long Remaining(int queued, long now)
    {
        var left = _gatherFor > 0 && queued < _gatherFor ? _until - now : 0;
        if (left <= 0) _gatherFor = 0;
        return left;
    }

    /// <summary>Stops waiting (the group is queued, the window passed, or the writer stops).</summary>
    public void Stop() => _gatherFor = 0;
}
