using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// The group-commit queue of one tenant. Appends that arrive while a commit is in flight wait here and go together in
/// the next one, so a tenant's throughput grows with its concurrency instead of being capped by one commit at a time.
/// One flush loop runs per tenant at most; it is started by the append that finds the queue idle, which commits its
/// own batch on its own flow (awaited, not handed over), so a lone append costs no hop to another thread. Between
/// commits the loop gathers the callers it knows of (<see cref="CommitGathering"/>); its window is timed on
/// <paramref name="timing"/>, the system's clock: it measures how long the database takes to commit, and the store's
/// own clock may be virtual (a test's), where it would never pass.
/// </summary>
internal sealed class TenantWriter(string tenant, Func<string, IReadOnlyList<PendingAppend>, Task> commit, int maxEventsPerCommit,
    TimeProvider timing)
{
    private readonly object _gate = new();
    private readonly Queue<PendingAppend> _queue = new();
    private int _queuedEvents;
    private long _queuedBodyChars;
    private bool _flushing;
    private CommitGathering _gathering;
    private TaskCompletionSource? _gathered; // completed when the callers gathered for are queued

    public Task<AppendResult> Enqueue(AppendRequest request)
    {
        var pending = new PendingAppend(request);
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            _queuedEvents += request.Events.Length;
            _queuedBodyChars += pending.BodyChars;
            lead = !_flushing;
            _flushing = true;
            if (_gathered is not null && (_gathering.Complete(_queue.Count) || QueueFillsACommit))
            {
                _gathered.TrySetResult();
                _gathered = null;
            }
        }
        return lead ? LeadAsync(pending) : pending.Completion.Task;
    }

    /// <summary>Commits the batch that starts with the leading append, then leaves the rest of the queue to the flush loop.</summary>
    private async Task<AppendResult> LeadAsync(PendingAppend own)
    {
        var (batch, behind) = TakeBatch();
        await CommitAsync(batch, behind).ConfigureAwait(false);
        _ = FlushAsync();
        // Completed by the commit above: awaiting it does not yield.
        return await own.Completion.Task.ConfigureAwait(false);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            await GatherAsync().ConfigureAwait(false);
            var (batch, behind) = TakeBatch();
            if (batch.Count == 0) return;
            await CommitAsync(batch, behind).ConfigureAwait(false);
        }
    }

    private async Task GatherAsync()
    {
        Task gathered;
        long left;
        lock (_gate)
        {
            left = QueueFillsACommit ? 0 : _gathering.Remaining(_queue.Count, timing.GetTimestamp());
            if (left <= 0) return;
            _gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gathered = _gathered.Task;
        }
        using var window = new CancellationTokenSource();
        await Task.WhenAny(gathered, Task.Delay(TimeSpan.FromSeconds((double)left / timing.TimestampFrequency), timing, window.Token))
            .ConfigureAwait(false);
        window.Cancel();
        lock (_gate)
        {
            _gathered = null;
            _gathering.Stop();
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, int behind)
    {
        var started = timing.GetTimestamp();
        try
        {
            await commit(tenant, batch).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Completion.TrySetException(e);
        }
        lock (_gate) _gathering.Committed(batch.Count, behind, started, timing.GetTimestamp(), timing.TimestampFrequency);
    }

    /// <summary>True when the queue holds a whole commit's worth (in events or body characters): nothing to wait for.</summary>
    private bool QueueFillsACommit => _queuedEvents >= maxEventsPerCommit || _queuedBodyChars >= Limits.AppendBodyBytes;

    /// <summary>The next batch, and how many appends stay queued behind it.</summary>
    private (List<PendingAppend> Batch, int Behind) TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<PendingAppend>();
            var events = 0;
            var bodyChars = 0L;
            while (_queue.TryPeek(out var next) && (batch.Count == 0 ||
                       (events + next.Request.Events.Length <= maxEventsPerCommit && bodyChars + next.BodyChars <= Limits.AppendBodyBytes)))
            {
                batch.Add(_queue.Dequeue());
                events += next.Request.Events.Length;
                bodyChars += next.BodyChars;
            }
            _queuedEvents -= events;
            _queuedBodyChars -= bodyChars;
            if (batch.Count == 0) _flushing = false;
            return (batch, _queue.Count);
        }
    }
}
