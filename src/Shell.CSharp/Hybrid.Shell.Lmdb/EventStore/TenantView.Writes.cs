using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hybrid.Shell.Lmdb.EventStore;

// Writes of a tenant, in the writer's transaction: events with their indexes, stream deletions, checkpoints.
// No head or stream state is stored: both are read back from the log and the versions index (see StoreKeys).
internal sealed partial class TenantView
{
    private const int MaxCachedPostingKeys = 1024;
    private readonly HashSet<(byte Kind, string Name)> _posted = [];
    private readonly Dictionary<(byte Kind, string Name), byte[]> _postingKeys = [];
    private readonly Dictionary<string, long> _versionsWritten = new(StringComparer.Ordinal);

    /// <summary>Carries out a write <see cref="AppendModule.decide"/> planned: its events, stream versions and checkpoints.</summary>
    public void Write(RecordWriter w, AppendWrite write)
    {
        _versionsWritten.Clear();
        foreach (var e in write.Events) Store(w, e);
        WritePostings();
        foreach (var advance in write.Streams)
            if (!_versionsWritten.TryGetValue(advance.Stream, out var written) || written != advance.Version)
                throw new InvalidOperationException($"Tenant '{Name}', stream '{advance.Stream}': the planned version {advance.Version} is not the last version written.");
        foreach (var c in write.Checkpoints) SetCheckpoint(c.Processor, c.Checkpoint);
        if (write.Head != Head.Position) throw new InvalidOperationException($"Tenant '{Name}': the planned head {write.Head} is not the last position written, {Head.Position}.");
    }

    /// <summary>Stores the event (at the next position) with its id, stream-version entry and postings.</summary>
    private void Store(RecordWriter w, RecordedEvent e)
    {
        var position = Head.Position + 1;
        if (e.Position != position) throw new InvalidOperationException($"Tenant '{Name}': an event planned at position {e.Position} arrived when the next is {position}.");
        Span<byte> key = stackalloc byte[StoreKeys.LongestKey];
        if (e.Stream is { } stream)
        {
            // A version already in the index is refused (no overwrite) and reported as damage.
            var prefix = StoreKeys.Versions(Number, stream, key);
            KeyLists.AddVersion(Txn, KeyLists.Key(key[..prefix], e.StreamVersion, key), position);
            _versionsWritten[stream] = e.StreamVersion;
        }
        w.Clear();
        EventRecord.Write(w, e);
        Txn.PutNear(Txn.Dbs.Events, StoreKeys.Event(Number, position, key), w.Written);
        Span<byte> positionBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(positionBytes, position);
        Txn.PutNear(Txn.Dbs.Ids, StoreKeys.Id(Number, e.Id, key), positionBytes);
        _posted.Clear();
        Post(StoreKeys.TypeName, e.Type, position);
        foreach (var tag in e.Tags) Post(StoreKeys.TagName, tag, position);
        _head = new TenantHead(position);
    }

    /// <summary>Marks the stream deleted up to the version (its current one for a delete, a purge's tombstone).</summary>
    public void DeleteStream(string stream, long upTo)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, upTo);
        Txn.Put(Txn.Dbs.Deletions, StoreKeys.Stream(Number, stream), payload);
    }

    public void SetCheckpoint(string processor, Checkpoint checkpoint)
    {
        Span<byte> payload = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(payload, checkpoint.Position);
        BinaryPrimitives.WriteInt64LittleEndian(payload[8..], checkpoint.Fence);
        Txn.Put(Txn.Dbs.Checkpoints, StoreKeys.TenantString(Number, processor), payload);
    }

    // The postings of an append, by key, written once its events are: one key's positions are put one after the
    // other through one cursor, so that LMDB finds the key on the cursor's page instead of descending from the root
    // for each (an append's events mostly share their type and some tags). The lists are reused from append to append.
    private readonly Dictionary<(byte Kind, string Name), int> _pendingSlots = [];
    private readonly List<(byte Kind, string Name, List<long> Positions)> _pending = [];

    private void Post(byte kind, string name, long position)
    {
        // An event carrying the same tag twice is posted once.
        if (!_posted.Add((kind, name))) return;
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pendingSlots, (kind, name), out var exists);
        if (!exists)
        {
            slot = _pendingSlots.Count - 1;
            if (slot == _pending.Count) _pending.Add((kind, name, []));
            else _pending[slot] = (kind, name, _pending[slot].Positions);
        }
        _pending[slot].Positions.Add(position);
    }

    private void WritePostings()
    {
        Span<byte> key = stackalloc byte[StoreKeys.LongestKey];
        for (var i = 0; i < _pendingSlots.Count; i++)
        {
            var (kind, name, positions) = _pending[i];
            // The keys of types and tags that recur (appends of many events of one type) are built once per transaction.
            if (!_postingKeys.TryGetValue((kind, name), out var prefix))
            {
                prefix = StoreKeys.Postings(Number, kind, name);
                if (_postingKeys.Count < MaxCachedPostingKeys) _postingKeys[(kind, name)] = prefix;
            }
            foreach (var position in positions) KeyLists.Add(Txn, Txn.Dbs.Postings, KeyLists.Key(prefix, position, key), []);
            positions.Clear();
        }
        _pendingSlots.Clear();
    }
}
