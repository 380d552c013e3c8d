using BitFaster.Caching;
using BitFaster.Caching.Lru;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// The L1 cache: a bounded, thread-safe LRU (BitFaster's ConcurrentLru) with a time to live, keyed by the full
/// <see cref="ReadModelKey"/> (compared field by field: a hash collision only shares a bucket, never an entry).
/// </summary>
internal sealed class ReadModelMemoryCache
{
    private readonly ICache<ReadModelKey, ReadModelSnapshot> _cache;

    public ReadModelMemoryCache(int capacity, TimeSpan timeToLive)
    {
        if (capacity < 3) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The L1 capacity must be 3 or more.");
        _cache = new ConcurrentLruBuilder<ReadModelKey, ReadModelSnapshot>()
            .WithCapacity(capacity)
            .WithExpireAfterWrite(timeToLive)
            .WithMetrics()
            .Build();
    }

    public bool TryGet(ReadModelKey key, out ReadModelSnapshot snapshot) => _cache.TryGet(key, out snapshot!);

    public void Set(ReadModelSnapshot snapshot) => _cache.AddOrUpdate(snapshot.Key, snapshot);

    public void Remove(ReadModelKey key) => _cache.TryRemove(key);

    public void Clear() => _cache.Clear();

    public int Count => _cache.Count;

    public long Evictions => _cache.Metrics.HasValue ? _cache.Metrics.Value!.Evicted : 0;
}
