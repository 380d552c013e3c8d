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
/// instead of 8). A full map grows and the group runs again; at the maximum
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
                // A gathering writer wakes when the group is complete (or at the window's end by itself).
                if (!_busy && _gathering.Complete(_queue.Count)) Monitor.Pulse(_gate);
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
            int behind;
            lock (_gate)
            {
                while (true)
                {
                    if (_busy)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }
                    if (_queue.Count == 0 && _stopping) return;
                    var left = _stopping ? 0 : _gathering.Remaining(_queue.Count, Stopwatch.GetTimestamp());
                    if (left > 0)
                    {
                        Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Max(1, (int)Math.Ceiling(left * 1000.0 / Stopwatch.Frequency))));
                        continue;
                    }
                    if (_queue.Count > 0) break;
                    _gathering.Stop(); // the window passed with nobody back: the next lone append commits on its own thread
                    Monitor.Wait(_gate);
                }
                group = TakeGroup();
                behind = _queue.Count;
                _busy = true;
                _gathering.Stop();
            }
            var started = Stopwatch.GetTimestamp();
            try { Commit(group); }
            finally
            {
                lock (_gate)
                {
                    _busy = false;
                    _gathering.Committed(group.Count, behind, started, Stopwatch.GetTimestamp(), Stopwatch.Frequency);
                }
            }
        }
    }

    private List<WriteOp> TakeGroup()
    {
        var group = new List<WriteOp>();
        var events = 0;
        while (_queue.TryPeek(out var next) && (group.Count == 0 || events + next.Events <= _maxEvents))
        {
            group.Add(_queue.Dequeue());
            events += next.Events;
        }
        return group;
    }

    private enum Outcome { Committed, MapFull }

    private void Commit(List<WriteOp> group)
    {
        var atMaximum = false;
        try
        {
            while (_env.Write((env, dbs) => CommitOnce(env, dbs, group, isolate: group.Count > 1 || atMaximum, atMaximum)) == Outcome.MapFull)
            {
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

    private Outcome CommitOnce(LightningEnvironment env, Databases dbs, List<WriteOp> group, bool isolate, bool atMaximum)
    {
        // The index tails follow the transaction: published when it commits, dropped when it does not.
        try
        {
            var outcome = CommitOnce(env, dbs, group, isolate, atMaximum, out var committed);
            if (committed) _tails.Publish();
            return outcome;
        }
        finally
        {
            _tails.Drop();
        }
    }

    private Outcome CommitOnce(LightningEnvironment env, Databases dbs, List<WriteOp> group, bool isolate, bool atMaximum, out bool committed)
    {
        committed = false;
        using var tx = env.BeginTransaction();
        foreach (var op in group)
        {
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
