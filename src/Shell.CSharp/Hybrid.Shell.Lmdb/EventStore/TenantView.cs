using System.Buffers.Binary;
using Hybrid.Shell.Stores;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One tenant's data inside a transaction: its head, stream states, names, checkpoints and events. Reads are here, queries
/// in TenantView.Select.cs, writes (writer's transaction only) in TenantView.Writes.cs.
/// </summary>
internal sealed partial class TenantView(StoreTxn txn, string name, uint number)
{
    private TenantHead? _head;
    private RecentStrings? _recent; // made by the first read: a write of a single event reads nothing
    private RecordedEvent? _lastRead;

    public StoreTxn Txn { get; } = txn;

    public string Name { get; } = name;

    public uint Number { get; } = number;

    /// <summary>The tenant's last position, as of this transaction (including its own writes).</summary>
    public TenantHead Head => _head ??= ReadHead();

    /// <summary>The tenant's last key in the log: the one before the next tenant's first key (or the log's last).</summary>
    private TenantHead ReadHead()
    {
        using var cursor = Txn.Tx.CreateCursor(Txn.Dbs.Events);
        var code = Number == uint.MaxValue ? MDBResultCode.NotFound : cursor.SetRange(StoreKeys.Tenant(Number + 1));
        var (found, key, _) = code == MDBResultCode.Success ? cursor.Previous() : code == MDBResultCode.NotFound ? cursor.Last() : (code, default, default);
        if (found == MDBResultCode.NotFound) return new TenantHead(0);
        found.ThrowOnError();
        var last = key.AsSpan();
        if (last.Length < 4 || StoreKeys.TenantOf(last) != Number) return new TenantHead(0);
        if (last.Length != 12 || StoreKeys.Last(last) < 1) throw Txn.Damaged(Txn.Dbs.Events, last, "a key of the log is malformed");
        return new TenantHead(StoreKeys.Last(last));
    }

    /// <summary>The event at the position, which the caller knows exists (an index named it).</summary>
    public RecordedEvent EventAt(long position)
    {
        var key = StoreKeys.Event(Number, position);
        if (!Txn.TryGet(Txn.Dbs.Events, key, out var payload)) throw Txn.Damaged(Txn.Dbs.Events, key, "an index names an event that is missing");
        return Decode(key, payload, position);
    }

    private RecordedEvent Decode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload, long position)
    {
        try
        {
            return _lastRead = EventRecord.Read(payload, Name, position, _recent ??= new RecentStrings(), _lastRead);
        }
        catch (FormatException e)
        {
            throw Txn.Damaged(Txn.Dbs.Events, key, $"an event record is malformed ({e.Message})");
        }
    }

    /// <summary>The position of the event with the id: in the index tail, else in the ids index.</summary>
    public bool TryGetPosition(Guid id, out long position)
    {
        if (Tail.WithId(id) is { } recent)
        {
            position = recent.Position;
            return true;
        }
        return TryGetIndexedPosition(id, out position);
    }

    /// <summary>The position the ids index holds for the id.</summary>
    public bool TryGetIndexedPosition(Guid id, out long position)
    {
        position = 0;
        Span<byte> key = stackalloc byte[20];
        // The writer looks each new id up through its kept cursor: a new id lands beside the one put before it.
        if (!Txn.TryGetNear(Txn.Dbs.Ids, StoreKeys.Id(Number, id, key), out var payload)) return false;
        position = BinaryPrimitives.ReadInt64LittleEndian(payload);
        return true;
    }

    /// <summary>The stream's version (its last in the index tail, else in the versions index) and how far it is deleted.</summary>
    public StreamState StateOf(string stream) => StateOf(stream, StoreKeys.Versions(Number, stream));

    private StreamState StateOf(string stream, byte[] versions)
    {
        var version = Tail.LastVersionOf(stream);
        if (version == 0)
        {
            using var cursor = Versions(versions);
            version = cursor.Last(out var last, out _) ? last : 0;
        }
        var deleted = Txn.TryGet(Txn.Dbs.Deletions, StoreKeys.Stream(Number, stream), out var p) ? BinaryPrimitives.ReadInt64LittleEndian(p) : 0;
        return new StreamState(version, deleted);
    }

    /// <summary>The events after the index mark, as of this transaction (the writer's own appends included).</summary>
    public IndexTail Tail => Txn.IsWriter ? Txn.Tails!.Working(Number) ?? WriterTail() : _tail ??= ReadTail();

    private IndexTail? _tail;

    private IndexTail WriterTail()
    {
        var tail = ReadTail();
        Txn.Tails!.Set(Number, tail);
        return tail;
    }

    /// <summary>The tail as the last commit left it when that is this transaction's, else read from the log.</summary>
    private IndexTail ReadTail()
    {
        var mark = Mark();
        var head = Head.Position;
        if (mark > head) throw Txn.Damaged(Txn.Dbs.Indexed, StoreKeys.Tenant(Number), $"the index mark {mark} is beyond the tenant's last position {head}");
        if (Txn.Tails?.Committed(Number) is { } known && known.Mark == mark && known.Mark + known.Count >= head) return known.Until(head);
        return IndexTail.Of(mark, mark == head ? [] : Range(mark, head + 1, forward: true, int.MaxValue));
    }

    /// <summary>The position up to which the tenant's events are in the indexes (0 when none are).</summary>
    public long Mark() =>
        Txn.TryGet(Txn.Dbs.Indexed, StoreKeys.Tenant(Number), out var payload)
            ? payload.Length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(payload) : throw Txn.Damaged(Txn.Dbs.Indexed, StoreKeys.Tenant(Number), "an index mark is malformed")
            : 0;

    private ListCursor Versions(byte[] prefix) => new(Txn, Txn.Dbs.Versions, prefix, versions: true);

    public Checkpoint CheckpointOf(string processor) =>
        Txn.TryGet(Txn.Dbs.Checkpoints, StoreKeys.TenantString(Number, processor), out var p)
            ? new Checkpoint(BinaryPrimitives.ReadInt64LittleEndian(p), BinaryPrimitives.ReadInt64LittleEndian(p[8..]))
            : new Checkpoint(0, 0);

    /// <summary>The stream's live events strictly between the versions, in the direction, at most limit of them.</summary>
    public RecordedEvent[] ReadStream(StreamRead read)
    {
        var key = StoreKeys.Versions(Number, read.Stream);
        var state = StateOf(read.Stream, key);
        var after = Math.Max(read.After, state.DeletedUpTo);
        if (after >= state.Version) return [];
        var before = Math.Min(read.Before, state.Version + 1);
        if (before <= after + 1) return [];
        var count = (int)Math.Min(before - after - 1, read.Limit > 0 ? read.Limit : int.MaxValue);
        var result = new RecordedEvent[count];
        var forward = read.Direction == Direction.Forward;
        // The stream's latest versions may be in the index tail, the ones below them in the versions index.
        var recent = Tail.OfStream(read.Stream);
        var indexed = recent.Count > 0 ? recent[0].StreamVersion - 1 : state.Version;
        ListCursor? cursor = null;
        try
        {
            long version = 0, position = 0;
            for (var i = 0; i < count; i++)
            {
                var expected = forward ? after + 1 + i : before - 1 - i;
                if (expected > indexed)
                {
                    result[i] = recent[(int)(expected - indexed - 1)];
                    if (result[i].StreamVersion != expected) throw new InvalidOperationException($"Tenant '{Name}', stream '{read.Stream}': the index tail holds version {result[i].StreamVersion} where {expected} belongs.");
                    continue;
                }
                var found = cursor is null
                    ? forward ? (cursor = Versions(key)).SeekForward(expected, out version, out position) : (cursor = Versions(key)).SeekBackward(expected, out version, out position)
                    : forward ? cursor.Next(out version, out position) : cursor.Previous(out version, out position);
                if (!found || version != expected) throw Txn.Damaged(Txn.Dbs.Versions, KeyLists.Key(key, expected), $"version {expected} of a stream is missing from its index");
                result[i] = EventAt(position);
            }
        }
        finally
        {
            cursor?.Dispose();
        }
        return result;
    }
}

/// <summary>A tenant's last position.</summary>
internal readonly record struct TenantHead(long Position);
