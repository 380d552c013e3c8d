using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hybrid.Shell.Lmdb.EventStore;

// Writes of a tenant, in the writer's transaction: events, their indexes, stream deletions, checkpoints.
// No head or stream state is stored: both are read back from the log and the versions index (see StoreKeys). An append
// writes its events only; their index entries are written with those of later appends once the tenant's index tail
// holds LmdbEventStoreOptions.IndexTailLength events (see IndexTail).
internal sealed partial class TenantView
{
    private readonly Dictionary<string, (long First, List<long> Positions)> _pendingVersions = new(StringComparer.Ordinal);

    /// <summary>Carries out a write <see cref="AppendModule.decide"/> planned: its events, stream versions and checkpoints.</summary>
    public void Write(RecordWriter w, AppendWrite write)
    {
        foreach (var e in write.Events) Store(w, e);
        var tail = Tail;
        foreach (var advance in write.Streams)
            if (tail.LastVersionOf(advance.Stream) != advance.Version)
                throw new InvalidOperationException($"Tenant '{Name}', stream '{advance.Stream}': the planned version {advance.Version} is not the last version written.");
        foreach (var c in write.Checkpoints) SetCheckpoint(c.Processor, c.Checkpoint);
        if (write.Head != Head.Position) throw new InvalidOperationException($"Tenant '{Name}': the planned head {write.Head} is not the last position written, {Head.Position}.");
        if (tail.Count >= Txn.Tails!.Length) IndexTailEvents();
    }

    /// <summary>Stores the event at the next position; its index entries wait in the tenant's index tail.</summary>
    private void Store(RecordWriter w, RecordedEvent e)
    {
        var position = Head.Position + 1;
        if (e.Position != position) throw new InvalidOperationException($"Tenant '{Name}': an event planned at position {e.Position} arrived when the next is {position}.");
        w.Clear();
        EventRecord.Write(w, e);
        Span<byte> key = stackalloc byte[12];
        Txn.PutNear(Txn.Dbs.Events, StoreKeys.Event(Number, position, key), w.Written);
        Txn.Tails!.Set(Number, Tail.Add(e));
        _head = new TenantHead(position);
    }

    /// <summary>
    /// Writes the index entries of the tail's events (ids, stream versions, postings; each list's entries in one put
    /// per chunk) and moves the tenant's index mark to its head.
    /// </summary>
    public void IndexTailEvents()
    {
        var tail = Tail;
        if (tail.Count == 0) return;
        _pendingSlots.EnsureCapacity(tail.Count * 2);
        Span<byte> key = stackalloc byte[20];
        Span<byte> position = stackalloc byte[8];
        foreach (var e in tail.Events)
        {
            BinaryPrimitives.WriteInt64LittleEndian(position, e.Position);
            Txn.PutNear(Txn.Dbs.Ids, StoreKeys.Id(Number, e.Id, key), position);
            if (e.Stream is { } stream) PendVersion(stream, e.StreamVersion, e.Position);
            Post(StoreKeys.TypeName, e.Type, e.Position);
            foreach (var tag in e.Tags) Post(StoreKeys.TagName, tag, e.Position);
        }
        WriteVersions();
        WritePostings();
        var mark = tail.Mark + tail.Count;
        BinaryPrimitives.WriteInt64LittleEndian(position, mark);
        Txn.Put(Txn.Dbs.Indexed, StoreKeys.Tenant(Number), position);
        Txn.Tails!.Set(Number, IndexTail.Empty(mark));
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

    // The versions and postings of an append, by list, written once its events are: each list's new entries go into
    // its last chunk (and new chunks) in one put per chunk (see KeyLists).
    private readonly Dictionary<(byte Kind, string Name), int> _pendingSlots = [];
    private readonly List<(byte Kind, string Name, List<long> Positions)> _pending = [];

    private void PendVersion(string stream, long version, long position)
    {
        if (_pendingVersions.TryGetValue(stream, out var pending))
        {
            if (version != pending.First + pending.Positions.Count)
                throw new InvalidOperationException($"Tenant '{Name}', stream '{stream}': version {version} is planned after version {pending.First + pending.Positions.Count - 1}.");
            pending.Positions.Add(position);
        }
        else _pendingVersions[stream] = (version, [position]);
    }

    private void WriteVersions()
    {
        if (_pendingVersions.Count == 0) return;
        foreach (var (stream, (first, positions)) in _pendingVersions)
            // A version not above the stream's last is refused by the index and reported as damage.
            KeyLists.Append(Txn, Txn.Dbs.Versions, StoreKeys.Versions(Number, stream), first, CollectionsMarshal.AsSpan(positions), consecutive: true);
        _pendingVersions.Clear();
    }

    private void Post(byte kind, string name, long position)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pendingSlots, (kind, name), out var exists);
        if (!exists)
        {
            slot = _pendingSlots.Count - 1;
            if (slot == _pending.Count) _pending.Add((kind, name, []));
            else _pending[slot] = (kind, name, _pending[slot].Positions);
        }
        var positions = _pending[slot].Positions;
        // An event carrying the same tag twice is posted once.
        if (positions.Count == 0 || positions[^1] != position) positions.Add(position);
    }

    private void WritePostings()
    {
        for (var i = 0; i < _pendingSlots.Count; i++)
        {
            var (kind, name, positions) = _pending[i];
            var entries = CollectionsMarshal.AsSpan(positions);
            KeyLists.Append(Txn, Txn.Dbs.Postings, StoreKeys.Postings(Number, kind, name), entries[0], entries, consecutive: false);
            positions.Clear();
        }
        _pendingSlots.Clear();
    }
}
