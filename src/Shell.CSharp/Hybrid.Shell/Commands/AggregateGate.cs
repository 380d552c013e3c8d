namespace Hybrid.Shell.Commands;

/// <summary>
/// Lets an aggregate type's commands through, or holds them while the type is paused for a live migration.
/// Pausing waits until the commands already running have finished; commands arriving during the pause wait
/// (up to a bound) and then run against whatever definitions are in force when it resumes.
/// </summary>
public sealed class AggregateGate
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry
    {
        public int Running;
        public TaskCompletionSource? Resumed;
        public TaskCompletionSource? Drained;
    }

    /// <summary>True when the aggregate type is paused.</summary>
    public bool IsPaused(string aggregate)
    {
        lock (_gate) return _entries.TryGetValue(aggregate, out var e) && e.Resumed is not null;
    }

    /// <summary>
    /// Enters the gate: a pass to dispose when the command is done, or null when the aggregate stayed paused
    /// for longer than <paramref name="wait"/>.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(string aggregate, TimeSpan wait, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(aggregate)) return Pass.None;
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task resumed;
            lock (_gate)
            {
                var entry = EntryOf(aggregate);
                if (entry.Resumed is null)
                {
                    entry.Running++;
                    return new Pass(this, aggregate);
                }
                resumed = entry.Resumed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            try { await resumed.WaitAsync(left, ct).ConfigureAwait(false); }
            catch (TimeoutException) { return null; }
        }
    }

    /// <summary>Pauses the aggregate type and waits until its running commands have finished.</summary>
    public async Task PauseAsync(string aggregate, CancellationToken ct)
    {
        Task drained;
        lock (_gate)
        {
            var entry = EntryOf(aggregate);
            if (entry.Resumed is not null) throw new InvalidOperationException($"The aggregate '{aggregate}' is already paused.");
            entry.Resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (entry.Running == 0) entry.Drained.TrySetResult();
            drained = entry.Drained.Task;
        }
        await drained.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Resumes the aggregate type: waiting commands go on.</summary>
    public void Resume(string aggregate)
    {
        TaskCompletionSource? resumed;
        lock (_gate)
        {
            var entry = EntryOf(aggregate);
            resumed = entry.Resumed;
            entry.Resumed = null;
            entry.Drained = null;
        }
        resumed?.TrySetResult();
    }

    private void Leave(string aggregate)
    {
        lock (_gate)
        {
            var entry = EntryOf(aggregate);
            entry.Running--;
            if (entry.Running == 0) entry.Drained?.TrySetResult();
        }
    }

    private Entry EntryOf(string aggregate)
    {
        if (!_entries.TryGetValue(aggregate, out var entry)) _entries[aggregate] = entry = new Entry();
        return entry;
    }

    private sealed class Pass(AggregateGate? owner, string aggregate) : IDisposable
    {
        public static readonly Pass None = new(null, "");
        private int _disposed;

        public void Dispose()
        {
            if (owner is not null && Interlocked.Exchange(ref _disposed, 1) == 0) owner.Leave(aggregate);
        }
    }
}
