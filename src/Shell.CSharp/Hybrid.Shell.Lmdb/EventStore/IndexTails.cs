using System.Collections.Concurrent;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Every tenant's <see cref="IndexTail"/> as of the last commit (read by any transaction), and the writer's changes
/// to them in the transaction it runs (published when it commits, dropped when it aborts, a member's changes dropped
/// when that member fails). Only a speed-up: a transaction that finds no tail here, or one of another mark or shorter
/// than its head, reads its tail from the log.
/// </summary>
internal sealed class IndexTails
{
    private readonly ConcurrentDictionary<uint, IndexTail> _committed = new();
    private Dictionary<uint, IndexTail> _working = [];
    private Dictionary<uint, IndexTail> _memberStart = [];

    /// <summary>The tenant's tail as of the last commit, or null.</summary>
    public IndexTail? Committed(uint tenant) => _committed.GetValueOrDefault(tenant);

    /// <summary>The tenant's tail in the writer's transaction, or null when not known yet.</summary>
    public IndexTail? Working(uint tenant) => _working.TryGetValue(tenant, out var tail) ? tail : Committed(tenant);

    /// <summary>Sets the tenant's tail in the writer's transaction.</summary>
    public void Set(uint tenant, IndexTail tail) => _working[tenant] = tail;

    /// <summary>A group member starts: its changes can be dropped alone.</summary>
    public void BeginMember() => _memberStart = new Dictionary<uint, IndexTail>(_working);

    /// <summary>The member failed: its changes go.</summary>
    public void DropMember() => _working = _memberStart;

    /// <summary>The writer's transaction committed: its tails are the ones every later transaction sees.</summary>
    public void Publish()
    {
        foreach (var (tenant, tail) in _working) _committed[tenant] = tail;
        _working.Clear();
    }

    /// <summary>The writer's transaction did not commit: its changes go.</summary>
    public void Drop() => _working.Clear();
}
