using System.Diagnostics;
using Hybrid.Shell.Stores;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The store's one writer (LMDB allows one write transaction at a time): a thread that takes every write waiting,
/// runs them in one transaction and syncs once, so concurrent appends share a sync. A write that finds the writer
/// idle and nothing queued commits at once on its caller's thread, as a group of one: an uncontended append then
/// costs what LMDB's own synced put costs, without two thread hand-offs. In a group of several, each
/// member runs in a nested transaction: a member whose work throws is rolled back alone and the others commit as if
/// it had not been there. Between commits the writer gathers the callers it knows of (<see cref="CommitGathering"/>,
/// the rule the PostgreSQL writer follows too): without it, groups alternated 1, 7, 1, 7 at 8 clients (4 per sync
/// instead of 8). The writer opens a group's transaction at its first write and writes each member as it arrives, so
/// the members' work overlaps the building of the writes still to come. A full map grows and the group runs again; at the maximum
/// size, the members that do not fit fail with <see cref="LmdbStoreFullException"/> and the others commit.
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    private readonly StoreEnvironment _env;
    private readonly TenantSignals _signals;
    private readonly IndexTails _tails;
    private readonly int _maxEvents;
    private readonly object _gate = new();
    private readonly Queue<WriteOp> _queue = new();
    private readonly Thread _thread;
    private bool _stopping;
    private bool _busy; // a group is being committed, by the writer thread or by a caller on its own thread
    private CommitGathering _gathering; // timed in Stopwatch ticks
    // The writer thread's last group: when it stopped taking members, and how many writes were queued behind it then.
    private long _collected;
    private int _behind;

    public GroupCommit(StoreEnvironment env, TenantSignals signals, IndexTails tails, int maxEvents)
    {
        _env = env;
        _signals = signals;
        _tails = tails;
        _maxEvents = maxEvents;
        _thread = new Thread(Loop) { IsBackground = true, Name = "hybrid-lmdb-writer" };
        _thread.Start();
    }

    /// <summary>How many groups were committed (each with one sync).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private long _commits;

    /// <summary>How many writes wait for the next group.</summary>
    public int Queued
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>
    /// Commits the work now on the caller's thread when the writer is idle, else queues it for the next group; the
    /// task ends once the commit holding the work is synced.
    /// </summary>
    public Task<T> Enqueue<T>(Func<StoreTxn, T> work, int events, string? tenant)
    {
        var op = new WriteOp<T>(work, events, tenant);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            if (_busy || _queue.Count > 0 || _gathering.Active)
            {
                _queue.Enqueue(op);
                // The writer takes each write as it comes, into the group it is gathering or the transaction it holds open.
                Monitor.Pulse(_gate);
                return op.Task;
            }
            _busy = true;
        }
        try { Commit([op]); }
        finally
        {
            lock (_gate)
            {
                _busy = false;
                if (_queue.Count > 0 || _stopping) Monitor.Pulse(_gate);
            }
        }
        return op.Task;
    }

    private void Loop()
    {
        while (true)
        {
            List<WriteOp> group;
            lock (_gate)
            {
                while (true)
                {
                    if (_busy)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }
                    if (_queue.Count > 0) break;
                    if (_stopping) return;
                    var left = _gathering.Remaining(0, Stopwatch.GetTimestamp());
                    if (left > 0) Monitor.Wait(_gate, Ticks(left));
                    else
                    {
                        _gathering.Stop(); // the window passed with nobody back: the next lone append commits on its own thread
                        Monitor.Wait(_gate);
                    }
                }
                group = TakeGroup(0);
                _busy = true;
            }
            (_collected, _behind) = (Stopwatch.GetTimestamp(), 0);
            try { Commit(group, collecting: true); }
            finally
            {
                lock (_gate)
                {
                    _busy = false;
                    _gathering.Committed(group.Count, _behind, _collected, Stopwatch.GetTimestamp(), Stopwatch.Frequency);
                }
            }
        }
    }

    /// <summary>
    /// Waits, with the group's transaction open and its members so far written, for the callers the gathering expects,
    /// and takes the writes queued meanwhile (as many as fit the group); null when the group is complete. The writer
    /// thus writes each member as it arrives, while the others are still being built, instead of starting the
    /// transaction once the last has arrived.
    /// </summary>
    private List<WriteOp>? Collect(List<WriteOp> group)
    {
        var events = 0;
        foreach (var op in group) events += op.Events;
        lock (_gate)
        {
            while (true)
            {
                if (_queue.TryPeek(out var next) && events + next.Events <= _maxEvents) return TakeGroup(events);
                var left = _stopping || _queue.Count > 0 ? 0 : _gathering.Remaining(group.Count, Stopwatch.GetTimestamp());
                if (left <= 0)
                {
                    (_collected, _behind) = (Stopwatch.GetTimestamp(), _queue.Count);
                    return null;
                }
                Monitor.Wait(_gate, Ticks(left));
            }
        }
    }

    private static TimeSpan Ticks(long stopwatchTicks) =>
        TimeSpan.FromMilliseconds(Math.Max(1, (int)Math.Ceiling(stopwatchTicks * 1000.0 / Stopwatch.Frequency)));

    /// <summary>The queued writes up to the group's bound in events, beside <paramref name="events"/> already in it; the first is always taken.</summary>
    private List<WriteOp> TakeGroup(int events)
    {
        var group = new List<WriteOp>();
        while (_queue.TryPeek(out var next) && (group.Count == 0 || events + next.Events <= _maxEvents))
        {
            group.Add(_queue.Dequeue());
            events += next.Events;
        }
        return group;
    }

    private enum Outcome { Committed, MapFull }

    /// <summary>
    /// Commits the group; when <paramref name="collecting"/>, the writes that arrive while its transaction is open join it
    /// (<see cref="Collect"/>), each in a nested transaction, since more may come.
    /// </summary>
    private void Commit(List<WriteOp> group, bool collecting = false)
    {
        var atMaximum = false;
        try
        {
            while (_env.Write((env, dbs) => CommitOnce(env, dbs, group, isolate: collecting || group.Count > 1 || atMaximum, atMaximum, collecting)) == Outcome.MapFull)
            {
                collecting = false; // a group that filled the map runs again as it stands
                if (_env.TryGrow()) continue;
                if (atMaximum) throw Full();
                atMaximum = true;
            }
        }
        catch (Exception e)
        {
            var error = e is LightningException { StatusCode: 28 } ? Full(e) : e;
            foreach (var op in group) op.Abort(error);
            return;
        }
        Interlocked.Increment(ref _commits);
        foreach (var op in group)
        {
            op.Complete();
            if (!op.HasFailed && op.Tenant is { } tenant) _signals.Fire(tenant);
        }
    }

    private Outcome CommitOnce(LightningEnvironment env, Databases dbs, List<WriteOp> group, bool isolate, bool atMaximum, bool collecting)
    {
        // The index tails follow the transaction: published when it commits, dropped when it does not.
        try
        {
            var outcome = CommitOnce(env, dbs, group, isolate, atMaximum, collecting, out var committed);
            if (committed) _tails.Publish();
            return outcome;
        }
        finally
        {
            _tails.Drop();
        }
    }

    private Outcome CommitOnce(LightningEnvironment env, Databases dbs, List<WriteOp> group, bool isolate, bool atMaximum, bool collecting,
        out bool committed)
    {
        committed = false;
        using var tx = env.BeginTransaction();
        for (var i = 0; ; i++)
        {
            if (i == group.Count)
            {
                if (!collecting || Collect(group) is not { } arrived) break;
                group.AddRange(arrived);
            }
            var op = group[i];
            if (!isolate)
            {
                try { Run(op, tx, dbs); }
                catch (LightningException e) when (IsMapFull(e)) { return Outcome.MapFull; }
                catch (Exception e)
                {
                    op.Fail(e);
                    return Outcome.Committed; // the lone member wrote nothing: nothing to commit
                }
                continue;
            }
            using var member = tx.BeginTransaction();
            _tails.BeginMember();
            try
            {
                Run(op, member, dbs);
                member.Commit().ThrowOnError();
            }
            catch (LightningException e) when (IsMapFull(e))
            {
                _tails.DropMember();
                if (!atMaximum) return Outcome.MapFull;
                op.Fail(Full(e));
            }
            catch (Exception e)
            {
                _tails.DropMember();
                op.Fail(e);
            }
        }
        try { IndexExcessTails(tx, dbs); }
        catch (LightningException e) when (IsMapFull(e)) { return Outcome.MapFull; }
        var result = tx.Commit();
        if (result == MDBResultCode.MapFull) return Outcome.MapFull;
        result.ThrowOnError();
        committed = true;
        return Outcome.Committed;
    }

    /// <summary>Indexes the tails of the tenants beyond <see cref="IndexTails.MaxTenants"/> holding one, in the group's transaction.</summary>
    private void IndexExcessTails(LightningTransaction tx, Databases dbs)
    {
        var excess = _tails.Excess();
        if (excess.Length == 0) return;
        using var txn = new StoreTxn(tx, dbs, _env.DataFile, writer: true, _tails);
        foreach (var tenant in excess)
        {
            var tail = _tails.Working(tenant)!;
            new TenantView(txn, tail.Events[0].Tenant, tenant).IndexTailEvents();
        }
    }

    /// <summary>Runs the member's work; the cursors it opened are closed before its transaction commits or aborts.</summary>
    private void Run(WriteOp op, LightningTransaction tx, Databases dbs)
    {
        using var txn = new StoreTxn(tx, dbs, _env.DataFile, writer: true, _tails);
        op.Run(txn);
    }

    private static bool IsMapFull(LightningException e) => (MDBResultCode)e.StatusCode == MDBResultCode.MapFull;

    private LmdbStoreFullException Full(Exception? inner = null) => inner is LightningException { StatusCode: 28 }
        ? new LmdbStoreFullException($"The event store in '{Path.GetDirectoryName(_env.DataFile)}' cannot grow: the disk is full. Nothing of this write was stored.", inner)
        : new LmdbStoreFullException($"The event store in '{Path.GetDirectoryName(_env.DataFile)}' is full: it reached its maximum size of {_env.MaxMapSize:N0} bytes " +
            "(LmdbEventStoreOptions.MaxMapSize). Nothing of this write was stored; everything acknowledged before is kept.", inner);

    /// <summary>Commits what is queued, then stops the writer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
        _thread.Join();
    }
}
