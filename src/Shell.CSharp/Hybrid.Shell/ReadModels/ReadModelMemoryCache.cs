using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// The L1 cache: a bounded, thread-safe LRU (BitFaster's ConcurrentLru) keyed by the full <see cref="ReadModelKey"/>
/// (compared field by field: a hash collision only shares a bucket, never an entry). An entry's time to live runs on
/// the engine's <see cref="TimeProvider"/>, so virtual time expires it as real time does.
/// </summary>
internal sealed class ReadModelMemoryCache
{
    private sealed record Entry(ReadModelSnapshot Snapshot, long WrittenAt);

    private readonly ICache<ReadModelKey, Entry> _cache;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _clock;
    private long _expired;

    public ReadModelMemoryCache(int capacity, TimeSpan timeToLive, TimeProvider clock)
    {
        if (capacity < 3) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The L1 capacity must be 3 or more.");
        if (timeToLive <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeToLive), timeToLive, "The L1 time to live must be positive.");
        _timeToLive = timeToLive;
        _clock = clock;
        _cache = new ConcurrentLruBuilder<ReadModelKey, Entry>()
            .WithCapacity(capacity)
            .WithMetrics()
            .Build();
    }

    public bool TryGet(ReadModelKey key, out ReadModelSnapshot snapshot)
    {
        if (_cache.TryGet(key, out var entry))
        {
            if (_clock.GetElapsedTime(entry.WrittenAt) < _timeToLive)
            {
                snapshot = entry.Snapshot;
                return true;
            }
            // Remove this entry only: a newer one written meanwhile stays.
            if (_cache.TryRemove(new KeyValuePair<ReadModelKey, Entry>(key, entry))) Interlocked.Increment(ref _expired);
        }
        snapshot = null!;
        return false;
    }

    public void Set(ReadModelSnapshot snapshot) => _cache.AddOrUpdate(snapshot.Key, new Entry(snapshot, _clock.GetTimestamp()));

    public void Remove(ReadModelKey key) => _cache.TryRemove(key);

    public void Clear() => _cache.Clear();

    public int Count => _cache.Count;

    /// <summary>Entries evicted to make room, and entries found expired.</summary>
    public long Evictions => (_cache.Metrics.HasValue ? _cache.Metrics.Value!.Evicted : 0) + Interlocked.Read(ref _expired);
}
