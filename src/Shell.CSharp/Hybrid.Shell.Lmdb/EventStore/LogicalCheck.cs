using System.Buffers.Binary;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Checks that the store's indexes agree with its log: each tenant's positions run 1..head without a gap, and every
/// event has its id, stream-version and posting entries, while the index databases hold no more entries than the
/// events need (so none points nowhere). Costs one lookup per index entry.
/// </summary>
internal static class LogicalCheck
{
    public sealed record Counts(int Tenants, long Events);

    public static LmdbStoreDamagedException? FirstProblem(StoreTxn txn, out Counts counts)
    {
        var tenants = txn.TenantNames();
        long events = 0, versions = 0, postings = 0;
        counts = new Counts(tenants.Count, 0);
        foreach (var (number, name) in tenants.OrderBy(t => t.Key))
        {
            var view = new TenantView(txn, name, number);
            var names = NamesOf(txn, number);
            var head = view.Head.Position;
            using var cursor = txn.Tx.CreateCursor(txn.Dbs.Events);
            var (code, key, value) = cursor.SeekRange(StoreKeys.Event(number, 1));
            long position = 0;
            while (code == MDBResultCode.Success && key.AsSpan().Length == 12 && StoreKeys.TenantOf(key.AsSpan()) == number)
            {
                var k = key.AsSpan();
                if (++position > head) return txn.Damaged(txn.Dbs.Heads, StoreKeys.Tenant(number), "the tenant's head is below its last event");
                if (StoreKeys.Last(k) != position) return txn.Damaged(txn.Dbs.Events, StoreKeys.Event(number, position), "a position is missing from the log");
                var e = EventRecord.Read(txn.Open(txn.Dbs.Events, k, value.AsSpan()), name, position);
                if (IndexProblem(txn, view, names, e) is { } problem) return problem;
                events++;
                versions += e.Stream is null ? 0 : 1;
                postings += 1 + e.Tags.Distinct(StringComparer.Ordinal).Count();
                (code, key, value) = cursor.Next();
            }
            if (code != MDBResultCode.Success && code != MDBResultCode.NotFound) code.ThrowOnError();
            if (position != head) return txn.Damaged(txn.Dbs.Events, StoreKeys.Event(number, position + 1), "events below the tenant's head are missing");
        }
        counts = new Counts(tenants.Count, events);
        foreach (var (db, expected) in new[] { (txn.Dbs.Ids, events), (txn.Dbs.Versions, versions), (txn.Dbs.Postings, postings) })
            if (txn.Tx.GetEntriesCount(db) != expected)
                return new LmdbStoreDamagedException(txn.File,
                    $"it holds {txn.Tx.GetEntriesCount(db)} entries where the log needs {expected}", txn.Dbs.NameOf(db));
        return null;
    }

    private static LmdbStoreDamagedException? IndexProblem(StoreTxn txn, TenantView view, Dictionary<(byte Kind, string Name), uint> names, RecordedEvent e)
    {
        var number = view.Number;
        if (!view.TryGetPosition(e.Id, out var byId) || byId != e.Position)
            return txn.Damaged(txn.Dbs.Ids, StoreKeys.Id(number, e.Id), "an event's id entry is missing or names another position");
        if (e.Stream is { } stream)
        {
            var streamNumber = view.Stream(stream).Number;
            var versionKey = StoreKeys.Numbered(number, streamNumber, e.StreamVersion);
            if (streamNumber == 0 || !txn.TryGet(txn.Dbs.Versions, versionKey, out var at) || BinaryPrimitives.ReadInt64LittleEndian(at) != e.Position)
                return txn.Damaged(txn.Dbs.Versions, versionKey, "an event's stream-version entry is missing or names another position");
        }
        foreach (var (kind, text) in e.Tags.Distinct(StringComparer.Ordinal).Select(t => (StoreKeys.TagName, t)).Prepend((StoreKeys.TypeName, e.Type)))
        {
            var postingKey = StoreKeys.Numbered(number, names.GetValueOrDefault((kind, text)), e.Position);
            if (!txn.TryGet(txn.Dbs.Postings, postingKey, out _))
                return txn.Damaged(txn.Dbs.Postings, postingKey, $"the posting of '{text}' for an event is missing");
        }
        return null;
    }

    private static Dictionary<(byte Kind, string Name), uint> NamesOf(StoreTxn txn, uint tenant)
    {
        var names = new Dictionary<(byte, string), uint>();
        using var cursor = txn.Tx.CreateCursor(txn.Dbs.NamesDb);
        var (code, key, value) = cursor.SeekRange(StoreKeys.Tenant(tenant));
        while (code == MDBResultCode.Success && key.AsSpan() is var k && k.Length > 5 && StoreKeys.TenantOf(k) == tenant)
        {
            var payload = txn.Open(txn.Dbs.NamesDb, k, value.AsSpan());
            names[(k[4], System.Text.Encoding.UTF8.GetString(k[5..]))] = BinaryPrimitives.ReadUInt32LittleEndian(payload);
            (code, key, value) = cursor.Next();
        }
        return names;
    }
}
