namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// The group-commit queue of one tenant. Appends that arrive while a commit is in flight wait here and go together in
/// the next one, so a tenant's throughput grows with its concurrency instead of being capped by one commit at a time.
/// One flush loop runs per tenant at most; it is started by the append that finds the queue idle, which commits its
/// own batch on its own flow (awaited, not handed over), so a lone append costs no hop to another thread.
/// </summary>
internal sealed class TenantWriter(string tenant, Func<string, IReadOnlyList<PendingAppend>, Task> commit, int maxEventsPerCommit)
{
    private readonly object _gate = new();
    private readonly Queue<PendingAppend> _queue = new();
    private bool _flushing;

    public Task<AppendResult> Enqueue(AppendRequest request)
    {
        var pending = new PendingAppend(request);
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            lead = !_flushing;
            _flushing = true;
        }
        return lead ? LeadAsync(pending) : pending.Completion.Task;
    }

    /// <summary>Commits the batch that starts with the leading append, then leaves the rest of the queue to the flush loop.</summary>
    private async Task<AppendResult> LeadAsync(PendingAppend own)
    {
        await CommitAsync(TakeBatch()).ConfigureAwait(false);
        _ = FlushAsync();
        // Completed by the commit above: awaiting it does not yield.
        return await own.Completion.Task.ConfigureAwait(false);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            var batch = TakeBatch();
            if (batch.Count == 0) return;
            await CommitAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch)
    {
        try
        {
            await commit(tenant, batch).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Completion.TrySetException(e);
        }
    }

    private List<PendingAppend> TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<PendingAppend>();
            var events = 0;
            while (_queue.TryPeek(out var next) && (batch.Count == 0 || events + next.Request.Events.Length <= maxEventsPerCommit))
            {
                batch.Add(_queue.Dequeue());
                events += next.Request.Events.Length;
            }
            if (batch.Count == 0) _flushing = false;
            return batch;
        }
    }
}
