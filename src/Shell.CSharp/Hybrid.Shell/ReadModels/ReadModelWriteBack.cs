using BitFaster.Caching;
using BitFaster.Caching.Lru;
using Hybrid.Shell.Serialization;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// Deferred, bounded write-back of folded instances to L2: an instance is written once it has folded enough events
/// or waited long enough, all are written when too many wait, and on flush. Only the pieces changed since the last
/// write are written, with the new watermark. Writes are serialized, so L2 never goes back in time; losing what
/// waits (a crash) loses only cache: L2 keeps an older, consistent instance and the next read folds from there.
/// </summary>
internal sealed class ReadModelWriteBack : IDisposable
{
    private sealed class Pending(ReadModelSnapshot snapshot, long @base, DateTimeOffset since)
    {
        public ReadModelSnapshot Snapshot = snapshot;
        public readonly long Base = @base;
        public readonly HashSet<string> Changed = new(StringComparer.Ordinal);
        public long Events;
        public readonly DateTimeOffset Since = since;
    }

    private readonly IReadModelStore _store;
    private readonly ReadModelEngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Dictionary<ReadModelKey, Pending> _pending = new();
    // The watermark L2 holds for each instance, as far as this engine knows (-1: none): the base of the next delta.
    // Bounded like the caches (many tenants and scopes must not grow it for ever): an instance it forgot has an unknown
    // base, which no stored watermark matches, so its next write is a whole one.
    private readonly ICache<ReadModelKey, long> _stored;
    private const long UnknownBase = long.MinValue;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ITimer _timer;
    private long _writes;
    private long _bytes;

    public ReadModelWriteBack(IReadModelStore store, ReadModelEngineOptions options, TimeProvider clock, ILogger? logger = null)
    {
        _store = store;
        _options = options;
        _clock = clock;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _stored = new ConcurrentLruBuilder<ReadModelKey, long>()
            .WithCapacity(Math.Max(3, options.MemoryCapacity + options.MaxPendingWriteBacks))
            .Build();
        var period = options.WriteBackAfter > TimeSpan.Zero ? options.WriteBackAfter : TimeSpan.FromSeconds(1);
        _timer = clock.CreateTimer(_ => FlushDue(), null, period, period);
    }

    public long Writes => Interlocked.Read(ref _writes);

    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count
    {
        get { lock (_gate) return _pending.Count; }
    }

    /// <summary>How many instances' stored watermarks are remembered (bounded).</summary>
    internal int StoredKnown => _stored.Count;

    /// <summary>Records a newer snapshot of an instance and the pieces changed since the previous one.</summary>
    public void Enqueue(ReadModelSnapshot snapshot, IEnumerable<string> changed, long events)
    {
        bool flushInstance, flushAll;
        lock (_gate)
        {
            if (!_pending.TryGetValue(snapshot.Key, out var pending))
            {
                var stored = _stored.TryGet(snapshot.Key, out var w) ? w : UnknownBase;
                _pending[snapshot.Key] = pending = new Pending(snapshot, stored, _clock.GetUtcNow());
            }
            pending.Snapshot = snapshot;
            pending.Changed.UnionWith(changed);
            pending.Events += events;
            flushInstance = pending.Events >= _options.WriteBackAfterEvents;
            flushAll = _pending.Count > _options.MaxPendingWriteBacks;
        }
        if (flushAll) FlushForReader(_ => true);
        else if (flushInstance) FlushForReader(k => k.Equals(snapshot.Key));
    }

    /// <summary>The newest snapshot of an instance still waiting for write-back (newer than L2's).</summary>
    public ReadModelSnapshot? TryGetPending(ReadModelKey key)
    {
        lock (_gate) return _pending.TryGetValue(key, out var pending) ? pending.Snapshot : null;
    }

    /// <summary>Records the watermark L2 was found to hold for an instance (-1 when it holds none).</summary>
    public void NoteStored(ReadModelKey key, long watermark)
    {
        lock (_gate)
        {
            if (!_pending.ContainsKey(key)) _stored.AddOrUpdate(key, watermark);
        }
    }

    /// <summary>Forgets what waits for an instance (it is being rebuilt).</summary>
    public void Discard(ReadModelKey key)
    {
        _writing.Wait();
        try
        {
            lock (_gate)
            {
                _pending.Remove(key);
                _stored.AddOrUpdate(key, -1);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes everything waiting.</summary>
    public void FlushAll() => Flush(_ => true);

    private void FlushDue()
    {
        try
        {
            var due = _clock.GetUtcNow() - _options.WriteBackAfter;
            Flush(k => _pending.TryGetValue(k, out var p) && p.Since <= due);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The timed read-model write-back failed; it is retried at the next tick.");
        }
    }

    // The predicate runs under the gate. Tries every instance taken: one that can never be stored (the cache refuses its
    // key) is kept in memory only, with a warning; one that fails otherwise waits again, and the first such failure is
    // thrown once the others were written.
    private void Flush(Func<ReadModelKey, bool> which)
    {
        _writing.Wait();
        try
        {
            List<Pending> taken;
            lock (_gate)
            {
                taken = _pending.Where(p => which(p.Key)).Select(p => p.Value).ToList();
                foreach (var p in taken) _pending.Remove(p.Snapshot.Key);
            }
            Exception? failure = null;
            foreach (var pending in taken)
            {
                try
                {
                    Write(pending);
                }
                catch (InvalidInputException refused)
                {
                    _logger.LogWarning(refused, "The read-model cache cannot store {Key}: it is kept in memory only and folded from the log when evicted.",
                        pending.Snapshot.Key);
                    lock (_gate) _stored.TryRemove(pending.Snapshot.Key);
                }
                catch (Exception e)
                {
                    // Put back what was not written, so that L2 never gets a watermark without the pieces it implies.
                    lock (_gate) Requeue(pending);
                    failure ??= e;
                }
            }
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        finally
        {
            _writing.Release();
        }
    }

    // A flush a read triggered: its failure is the cache's, never the reader's. What still waits beyond the bound is
    // dropped (only cache is lost: L2 keeps an older, consistent instance, and the next write of each is whole).
    private void FlushForReader(Func<ReadModelKey, bool> which)
    {
        try
        {
            Flush(which);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "The read-model write-back failed; what waits is written again later.");
            lock (_gate)
            {
                if (_pending.Count <= _options.MaxPendingWriteBacks) return;
                foreach (var key in _pending.Keys) _stored.TryRemove(key);
                _pending.Clear();
            }
        }
    }

    private void Requeue(Pending failed)
    {
        if (_pending.TryGetValue(failed.Snapshot.Key, out var newer))
        {
            newer.Changed.UnionWith(failed.Changed);
            newer.Events += failed.Events;
        }
        else
        {
            _pending[failed.Snapshot.Key] = failed;
        }
    }

    private void Write(Pending pending)
    {
        var snapshot = pending.Snapshot;
        var written = new List<StoredPiece>();
        var removed = new List<string>();
        foreach (var name in pending.Changed)
        {
            var piece = snapshot.Pieces.TryFind(name);
            if (piece is null) removed.Add(name);
            else written.Add(new StoredPiece(name, PieceSerializer.Serialize(snapshot.Model.PieceType.Invoke(name), piece.Value)));
        }
        // A first write stamps the instance with the shape of the model's state (a delta keeps the stored stamp).
        if (pending.Base < 0) written.Add(Shape(snapshot.Model));
        var bytes = _store.Write(snapshot.Key, snapshot.Watermark, new PieceWrite(pending.Base, false, written.ToArray(), removed.ToArray()));
        if (bytes < 0)
        {
            // L2 does not hold the state the delta applies to (lost, damaged or rewritten): write the whole instance.
            var all = snapshot.Pieces
                .Select(p => new StoredPiece(p.Key, PieceSerializer.Serialize(snapshot.Model.PieceType.Invoke(p.Key), p.Value)))
                .Append(Shape(snapshot.Model))
                .ToArray();
            bytes = _store.Write(snapshot.Key, snapshot.Watermark, new PieceWrite(-1, true, all, []));
        }
        lock (_gate) _stored.AddOrUpdate(snapshot.Key, snapshot.Watermark);
        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytes, bytes);
    }

    private static StoredPiece Shape(ReadModelDefinition model) => new(ReadModelShape.PieceName, ReadModelShape.Of(model));

    /// <summary>Stops the timer; what waits stays until FlushAll (a crash skips it).</summary>
    public void Dispose() => _timer.Dispose();
}
