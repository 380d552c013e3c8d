using System.Collections.Concurrent;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Every tenant's <see cref="IndexTail"/> as of the last commit (read by any transaction), and the writer's changes
/// to them in the transaction it runs (published when it commits, dropped when it aborts, a member's changes dropped
/// when that member fails). Only a speed-up: a transaction that finds no tail here, or one of another mark or shorter
/// than its head, reads its tail from the log. At most <see cref="MaxTenants"/> tenants hold a tail (the memory they
/// take is bounded): a commit that would leave more indexes the least recently written ones' (<see cref="Excess"/>).
/// </summary>
internal sealed class IndexTails(int length)
{
    /// <summary>How many events a tenant's tail reaches before the append that grows it indexes them all.</summary>
    public int Length { get; } = length;

    /// <summary>How many tenants may hold events waiting for their index entries at once.</summary>
    public const int MaxTenants = 256;

    private readonly ConcurrentDictionary<uint, IndexTail> _committed = new();
    private readonly Dictionary<uint, long> _written = []; // tenants whose committed tail holds events → the last commit that used it
    private long _commits;
    private Dictionary<uint, IndexTail> _working = [];
    private Dictionary<uint, IndexTail> _memberStart = [];

    /// <summary>How many tenants' committed tails hold events.</summary>
    public int Holding => _written.Count;

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
        _commits++;
        foreach (var (tenant, tail) in _working)
        {
            _committed[tenant] = tail;
            if (tail.Count == 0) _written.Remove(tenant);
            else _written[tenant] = _commits;
        }
        _working.Clear();
    }

    /// <summary>
    /// The tenants whose tails the writer's transaction should index before it commits, so that at most
    /// <see cref="MaxTenants"/> hold one: the least recently written, never one this transaction wrote.
    /// </summary>
    public uint[] Excess()
    {
        var holding = _written.Count;
        foreach (var (tenant, tail) in _working)
            holding += (tail.Count > 0 ? 1 : 0) - (_written.ContainsKey(tenant) ? 1 : 0);
        if (holding <= MaxTenants) return [];
        return _written.Where(w => !_working.ContainsKey(w.Key)).OrderBy(w => w.Value).Take(holding - MaxTenants).Select(w => w.Key).ToArray();
    }

    /// <summary>The writer's transaction did not commit: its changes go.</summary>
    public void Drop() => _working.Clear();
}
