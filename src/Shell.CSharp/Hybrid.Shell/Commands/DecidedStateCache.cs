namespace Hybrid.Shell.Commands;

/// <summary>
/// The decided-state cache: stream states folded by a command's <see cref="StateFold"/>, kept between commands per
/// tenant, stream and fold, least recently used first out. An entry is a fact about the stream at a version; a command
/// that decides over it appends under the condition that the stream is still there (<see cref="StateFoldModule.unchanged"/>),
/// so an entry made stale by another writer or node only costs a re-read, never a decision over an old state.
/// </summary>
public sealed class DecidedStateCache
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<Key, LinkedListNode<(Key Key, FoldedStream Folded)>> _entries = new();
    private readonly LinkedList<(Key Key, FoldedStream Folded)> _recency = new();
    private long _hits, _misses, _evictions;

    /// <summary>A cache holding at most <paramref name="capacity"/> stream states (at least 1).</summary>
    public DecidedStateCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>How many states it holds.</summary>
    public int Count { get { lock (_gate) return _entries.Count; } }

    /// <summary>Lookups that found a state.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that found none.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>States dropped to make room.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>The kept state of the stream under the fold, marking it the most recently used.</summary>
    public bool TryGet(string tenant, string stream, StateFold fold, out FoldedStream folded)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(new Key(tenant, stream, fold), out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                folded = node.Value.Folded;
                _hits++;
                return true;
            }
            _misses++;
        }
        folded = null!;
        return false;
    }

    /// <summary>Keeps a state, unless a state at a later version is kept already (a slower command finishing late).</summary>
    public void Put(string tenant, string stream, StateFold fold, FoldedStream folded)
    {
        var key = new Key(tenant, stream, fold);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node.Value.Folded.Version > folded.Version) return;
                node.Value = (key, folded);
                _recency.Remove(node);
                _recency.AddFirst(node);
                return;
            }
            _entries[key] = _recency.AddFirst((key, folded));
            while (_entries.Count > _capacity)
            {
                _entries.Remove(_recency.Last!.Value.Key);
                _recency.RemoveLast();
                _evictions++;
            }
        }
    }

    /// <summary>Forgets the stream's state (it proved stale).</summary>
    public void Drop(string tenant, string stream, StateFold fold)
    {
        lock (_gate)
        {
            if (_entries.Remove(new Key(tenant, stream, fold), out var node)) _recency.Remove(node);
        }
    }

    /// <summary>Forgets every state.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
        }
    }

    /// <summary>Tenant and stream by value; the fold's source and codec by reference (commands of one decider share states).</summary>
    private readonly struct Key(string tenant, string stream, StateFold fold) : IEquatable<Key>
    {
        private readonly string _tenant = tenant;
        private readonly string _stream = stream;
        private readonly object _source = fold.Source;
        private readonly object? _codec = fold.Codec;

        public bool Equals(Key other) =>
            string.Equals(_tenant, other._tenant, StringComparison.Ordinal) && string.Equals(_stream, other._stream, StringComparison.Ordinal)
            && ReferenceEquals(_source, other._source) && ReferenceEquals(_codec, other._codec);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(
            StringComparer.Ordinal.GetHashCode(_tenant), StringComparer.Ordinal.GetHashCode(_stream),
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_source),
            _codec is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(_codec));
    }
}
