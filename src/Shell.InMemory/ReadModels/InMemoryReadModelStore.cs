using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.ReadModels;

/// <summary>
/// The L2 read-model cache kept in memory, for tests and simulations. It stores serialized bytes exactly as LMDB does,
/// so round trips are exercised; <see cref="Lose"/> and <see cref="Damage"/> simulate a lost or damaged cache.
/// </summary>
public sealed class InMemoryReadModelStore : IReadModelStore
{
    private sealed class Instance
    {
        public long Watermark;
        public readonly Dictionary<string, byte[]> Pieces = new(StringComparer.Ordinal);
        public bool Damaged;
    }

    private readonly Dictionary<ReadModelKey, Instance> _instances = new();
    private readonly object _gate = new();
    private long _bytesWritten;
    private long _damagedEntries;

    /// <summary>The bytes written by every write (piece names and values).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>How many damaged entries were found and dropped.</summary>
    public long DamagedEntries => Interlocked.Read(ref _damagedEntries);

    /// <summary>How many instances are stored.</summary>
    public int Count
    {
        get { lock (_gate) return _instances.Count; }
    }

    /// <inheritdoc />
    public FSharpOption<StoredInstance>? Load(ReadModelKey key)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(key, out var instance)) return null;
            if (instance.Damaged)
            {
                _instances.Remove(key);
                _damagedEntries++;
                return null;
            }
            var pieces = instance.Pieces.Select(p => new StoredPiece(p.Key, p.Value)).ToArray();
            return FSharpOption<StoredInstance>.Some(new StoredInstance(instance.Watermark, pieces));
        }
    }

    /// <inheritdoc />
    public long Write(ReadModelKey key, long watermark, PieceWrite changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_gate)
        {
            var exists = _instances.TryGetValue(key, out var instance) && !instance!.Damaged;
            var stored = exists ? instance!.Watermark : -1;
            if (!changes.Full && stored != changes.Base) return -1;
            if (changes.Full || !exists) _instances[key] = instance = new Instance();
            long bytes = 0;
            foreach (var piece in changes.Written)
            {
                instance!.Pieces[piece.Name] = piece.Bytes;
                bytes += piece.Name.Length + piece.Bytes.Length;
            }
            foreach (var name in changes.Removed) instance!.Pieces.Remove(name);
            instance!.Watermark = watermark;
            _bytesWritten += bytes;
            return bytes;
        }
    }

    /// <inheritdoc />
    public void Delete(ReadModelKey key)
    {
        lock (_gate) _instances.Remove(key);
    }

    /// <inheritdoc />
    public int[] Versions(string model)
    {
        lock (_gate) return _instances.Keys.Where(k => k.Model == model).Select(k => k.Version).Distinct().Order().ToArray();
    }

    /// <inheritdoc />
    public int DeleteVersion(string model, int version)
    {
        lock (_gate)
        {
            var keys = _instances.Keys.Where(k => k.Model == model && k.Version == version).ToArray();
            foreach (var k in keys) _instances.Remove(k);
            return keys.Length;
        }
    }

    /// <summary>Loses everything, as a deleted cache file would.</summary>
    public void Lose()
    {
        lock (_gate) _instances.Clear();
    }

    /// <summary>Marks every stored instance damaged: the next load of each finds it unreadable and drops it.</summary>
    public void Damage()
    {
        lock (_gate)
            foreach (var instance in _instances.Values) instance.Damaged = true;
    }

    /// <summary>The stored watermark of an instance, or null when absent.</summary>
    public long? WatermarkOf(ReadModelKey key)
    {
        lock (_gate) return _instances.TryGetValue(key, out var instance) ? instance.Watermark : null;
    }
}
