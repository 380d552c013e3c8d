using System.Buffers.Binary;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Checks that the store's indexes agree with its log: each tenant's positions run 1..head without a gap, its index
/// mark is not beyond its head, every event up to the mark has its id, stream-version and posting entries, the index
/// databases hold no more entries than those events need (so none points nowhere, and none is there for an event of
/// the index tail), and no stream is deleted beyond its version. Costs one lookup per index entry.
/// </summary>
internal static class LogicalCheck
{
    public sealed record Counts(int Tenants, long Events);

    public static LmdbStoreDamagedException? FirstProblem(StoreTxn txn, out Counts counts)
    {
        var tenants = txn.TenantNames();
        long events = 0, indexed = 0, versions = 0, postings = 0;
        counts = new Counts(tenants.Count, 0);
        foreach (var (number, name) in tenants.OrderBy(t => t.Key))
        {
            var view = new TenantView(txn, name, number);
            var mark = view.Mark();
            if (mark > view.Head.Position)
                return txn.Damaged(txn.Dbs.Indexed, StoreKeys.Tenant(number), $"the index mark {mark} is beyond the tenant's last position {view.Head.Position}");
            using var cursor = txn.Tx.CreateCursor(txn.Dbs.Events);
            var (code, key, value) = cursor.SeekRange(StoreKeys.Event(number, 1));
            long position = 0;
            while (code == MDBResultCode.Success && key.AsSpan().Length == 12 && StoreKeys.TenantOf(key.AsSpan()) == number)
            {
                var k = key.AsSpan();
                if (StoreKeys.Last(k) != ++position) return txn.Damaged(txn.Dbs.Events, StoreKeys.Event(number, position), "a position is missing from the log");
                var e = EventRecord.Read(txn.Open(txn.Dbs.Events, k, value.AsSpan()), name, position);
                if (position <= mark)
                {
                    if (IndexProblem(txn, view, e) is { } problem) return problem;
                    indexed++;
                    versions += e.Stream is null ? 0 : 1;
                    postings += 1 + e.Tags.Distinct(StringComparer.Ordinal).Count();
                }
                events++;
                (code, key, value) = cursor.Next();
            }
            if (code != MDBResultCode.Success && code != MDBResultCode.NotFound) code.ThrowOnError();
            if (position != view.Head.Position) return txn.Damaged(txn.Dbs.Events, StoreKeys.Event(number, position + 1), "events below the tenant's head are missing");
        }
        if (DeletionProblem(txn, tenants) is { } deletion) return deletion;
        counts = new Counts(tenants.Count, events);
        try { return CountProblem(txn, indexed, versions, postings); }
        catch (LmdbStoreDamagedException e) { return e; }
    }

    /// <summary>An index holding more (or fewer) entries than the log needs, or a malformed list chunk.</summary>
    private static LmdbStoreDamagedException? CountProblem(StoreTxn txn, long indexed, long versions, long postings)
    {
        foreach (var (db, held, expected) in new[]
                 {
                     (txn.Dbs.Ids, txn.Tx.GetEntriesCount(txn.Dbs.Ids), indexed),
                     (txn.Dbs.Versions, KeyLists.CountEntries(txn, txn.Dbs.Versions, consecutive: true), versions),
                     (txn.Dbs.Postings, KeyLists.CountEntries(txn, txn.Dbs.Postings, consecutive: false), postings),
                 })
            if (held != expected)
                return new LmdbStoreDamagedException(txn.File, $"it holds {held} entries where the log needs {expected}", txn.Dbs.NameOf(db));
        return null;
    }

    private static LmdbStoreDamagedException? IndexProblem(StoreTxn txn, TenantView view, RecordedEvent e)
    {
        var number = view.Number;
        if (!view.TryGetIndexedPosition(e.Id, out var byId) || byId != e.Position)
            return txn.Damaged(txn.Dbs.Ids, StoreKeys.Id(number, e.Id), "an event's id entry is missing or names another position");
        if (e.Stream is { } stream)
        {
            var prefix = StoreKeys.Versions(number, stream);
            if (!Holds(txn, txn.Dbs.Versions, prefix, e.StreamVersion, versions: true, out var position) || position != e.Position)
                return txn.Damaged(txn.Dbs.Versions, KeyLists.Key(prefix, e.StreamVersion), $"the entry of version {e.StreamVersion} (position {e.Position}) is missing or names another position");
        }
        foreach (var (kind, text) in e.Tags.Distinct(StringComparer.Ordinal).Select(t => (StoreKeys.TagName, t)).Prepend((StoreKeys.TypeName, e.Type)))
        {
            var prefix = StoreKeys.Postings(number, kind, text);
            if (!Holds(txn, txn.Dbs.Postings, prefix, e.Position, versions: false, out _))
                return txn.Damaged(txn.Dbs.Postings, KeyLists.Key(prefix, e.Position), $"the posting of position {e.Position} is missing");
        }
        return null;
    }

    private static bool Holds(StoreTxn txn, LightningDB.LightningDatabase db, byte[] prefix, long number, bool versions, out long payload)
    {
        using var cursor = new ListCursor(txn, db, prefix, versions);
        return cursor.SeekBackward(number, out var found, out payload) && found == number;
    }

    /// <summary>The first deletion of a tenant or stream version that does not exist.</summary>
    private static LmdbStoreDamagedException? DeletionProblem(StoreTxn txn, Dictionary<uint, string> tenants)
    {
        using var cursor = txn.Tx.CreateCursor(txn.Dbs.Deletions);
        var (code, key, value) = cursor.First();
        while (code == MDBResultCode.Success)
        {
            var k = key.AsSpan();
            var payload = txn.Open(txn.Dbs.Deletions, k, value.AsSpan());
            if (k.Length <= 4 || payload.Length != 8 || !tenants.TryGetValue(StoreKeys.TenantOf(k), out var name))
                return txn.Damaged(txn.Dbs.Deletions, k, "a deletion names no tenant's stream");
            var upTo = BinaryPrimitives.ReadInt64LittleEndian(payload);
            var view = new TenantView(txn, name, StoreKeys.TenantOf(k));
            if (upTo < 0 || upTo > view.StateOf(System.Text.Encoding.UTF8.GetString(k[4..])).Version)
                return txn.Damaged(txn.Dbs.Deletions, k, $"a stream is deleted up to version {upTo}, beyond its last version");
            (code, key, value) = cursor.Next();
        }
        if (code != MDBResultCode.NotFound) code.ThrowOnError();
        return null;
    }
}
