namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// The group-commit queue of one tenant. Appends that arrive while a commit is in flight wait here and go together in
/// the next one, so a tenant's throughput grows with its concurrency instead of being capped by one commit at a time.
/// One flush loop runs per tenant at most; it is started by the append that finds the queue idle.
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
        if (lead) _ = FlushAsync();
        return pending.Completion.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            var batch = TakeBatch();
            if (batch.Count == 0) return;
            try
            {
                await commit(tenant, batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Completion.TrySetException(e);
            }
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
