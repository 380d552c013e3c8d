using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hybrid.Shell.Lmdb.EventStore;

// Writes of a tenant, in the writer's transaction: events with their indexes, stream tombstones, checkpoints.
// The head and stream states are kept here as they change and written once by Flush.
internal sealed partial class TenantView
{
    private readonly Dictionary<string, (uint Number, StreamState State)> _changedStreams = new(StringComparer.Ordinal);
    private const int MaxCachedPostingKeys = 1024;
    private readonly HashSet<(byte Kind, string Name)> _posted = [];
    private readonly Dictionary<(byte Kind, string Name), byte[]> _postingKeys = [];
    private bool _headChanged;

    /// <summary>Carries out a write <see cref="AppendModule.decide"/> planned: its events, stream versions, checkpoints and head.</summary>
    public void Write(RecordWriter w, AppendWrite write)
    {
        foreach (var e in write.Events) Store(w, e);
        WritePostings();
        foreach (var advance in write.Streams)
        {
            var (streamNumber, state) = StreamForWrite(advance.Stream);
            _changedStreams[advance.Stream] = (streamNumber, new StreamState(advance.Version, state.DeletedUpTo));
        }
        foreach (var c in write.Checkpoints) SetCheckpoint(c.Processor, c.Checkpoint);
        if (write.Head != Head.Position) throw new InvalidOperationException($"Tenant '{Name}': the planned head {write.Head} is not the last position written, {Head.Position}.");
        Flush();
    }

    /// <summary>Stores the event (at the next position) with its id, stream-version entry and postings.</summary>
    private void Store(RecordWriter w, RecordedEvent e)
    {
        var position = Head.Position + 1;
        if (e.Position != position) throw new InvalidOperationException($"Tenant '{Name}': an event planned at position {e.Position} arrived when the next is {position}.");
        if (e.Stream is { } stream)
        {
            var (streamNumber, state) = StreamForWrite(stream);
            _changedStreams[stream] = (streamNumber, state);
            var versions = StoreKeys.Versions(Number, streamNumber);
            SortedDuplicates.Append(Txn, Txn.Dbs.Versions, versions, e.StreamVersion, position, withSecond: true);
        }
        w.Clear();
        EventRecord.Write(w, e);
        Txn.PutNear(Txn.Dbs.Events, StoreKeys.Event(Number, position), w.Written);
        Span<byte> positionBytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(positionBytes, position);
        Txn.PutNear(Txn.Dbs.Ids, StoreKeys.Id(Number, e.Id), positionBytes);
        _posted.Clear();
        Post(StoreKeys.TypeName, e.Type, position);
        foreach (var tag in e.Tags) Post(StoreKeys.TagName, tag, position);
        _head = Head with { Position = position };
        _headChanged = true;
    }

    /// <summary>Marks the stream deleted up to its current version.</summary>
    public void DeleteStream(string stream)
    {
        var (streamNumber, state) = StreamForWrite(stream);
        _changedStreams[stream] = (streamNumber, new StreamState(state.Version, state.Version));
    }

    public void SetCheckpoint(string processor, Checkpoint checkpoint)
    {
        var payload = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(payload, checkpoint.Position);
        BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(8), checkpoint.Fence);
        Txn.Put(Txn.Dbs.Checkpoints, StoreKeys.TenantString(Number, processor), payload);
    }

    /// <summary>Writes the head and the changed stream states.</summary>
    public void Flush()
    {
        foreach (var (stream, (streamNumber, state)) in _changedStreams)
        {
            var payload = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(payload, streamNumber);
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(4), state.Version);
            BinaryPrimitives.WriteInt64LittleEndian(payload.AsSpan(12), state.DeletedUpTo);
            Txn.Put(Txn.Dbs.Streams, StoreKeys.TenantString(Number, stream), payload);
        }
        _changedStreams.Clear();
        if (!_headChanged) return;
        var head = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(head, Head.Position);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), Head.Streams);
        Txn.Put(Txn.Dbs.Heads, _tenantKey, head);
        _headChanged = false;
    }

    private (uint Number, StreamState State) StreamForWrite(string stream)
    {
        if (_changedStreams.TryGetValue(stream, out var changed)) return changed;
        var found = Stream(stream);
        if (found.Number != 0) return found;
        _head = Head with { Streams = Head.Streams + 1 };
        _headChanged = true;
        return (Head.Streams, found.State);
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
        for (var i = 0; i < _pendingSlots.Count; i++)
        {
            var (kind, name, positions) = _pending[i];
            // The keys of types and tags that recur (appends of many events of one type) are built once per transaction.
            if (!_postingKeys.TryGetValue((kind, name), out var key))
            {
                key = StoreKeys.Posting(Number, kind, name);
                if (_postingKeys.Count < MaxCachedPostingKeys) _postingKeys[(kind, name)] = key;
            }
            foreach (var position in positions) SortedDuplicates.Append(Txn, Txn.Dbs.Postings, key, position);
            positions.Clear();
        }
        _pendingSlots.Clear();
    }
}
