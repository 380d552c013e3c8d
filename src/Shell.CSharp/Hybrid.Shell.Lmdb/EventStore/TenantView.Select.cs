using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

// Queries over a tenant's log: a range of positions when a query item matches everything, else the union of the
// items' postings (an item's tags intersected, its types united) up to the index mark and the index tail after it;
// each candidate is checked by the core's matching rule, which stays the one definition of what a query selects.
internal sealed partial class TenantView : IAppendState
{
    /// <summary>The events the query selects, in its direction and limit.</summary>
    public RecordedEvent[] Select(EventQuery query)
    {
        var head = Head.Position;
        var after = Math.Max(query.After, 0L);
        if (after >= head) return [];
        var before = Math.Min(query.Before, head + 1);
        if (before <= after + 1) return [];
        var limit = query.Limit > 0 ? query.Limit : int.MaxValue;
        var forward = query.Direction == Direction.Forward;
        if (MatchesEverything(query.Items)) return Range(after, before, forward, limit);
        // Events after the index mark are matched in the index tail, the ones up to it through the postings.
        var tail = Tail;
        var result = new List<RecordedEvent>();
        if (!forward) MatchTail(tail, query, after, before, forward, limit, result);
        if (result.Count < limit && after < tail.Mark)
        {
            using var source = SourceOf(query.Items, after, Math.Min(before, tail.Mark + 1), forward);
            while (source is not null && result.Count < limit && source.Next(out var position))
            {
                var e = EventAt(position);
                if (EventQueryModule.matchesTypeAndTags(query, e.Type, e.Tags)) result.Add(e);
            }
        }
        if (forward) MatchTail(tail, query, after, before, forward, limit, result);
        return result.ToArray();
    }

    private static void MatchTail(IndexTail tail, EventQuery query, long after, long before, bool forward, int limit, List<RecordedEvent> result)
    {
        var events = tail.Events;
        for (var i = 0; i < events.Length && result.Count < limit; i++)
        {
            var e = events[forward ? i : events.Length - 1 - i];
            if (e.Position > after && e.Position < before && EventQueryModule.matchesTypeAndTags(query, e.Type, e.Tags)) result.Add(e);
        }
    }

    private static bool MatchesEverything(QueryItem[] items) =>
        items.Length == 0 || items.Any(i => i.Types.Length == 0 && i.Tags.Length == 0);

    private RecordedEvent[] Range(long after, long before, bool forward, int limit)
    {
        var count = (int)Math.Min(before - after - 1, limit);
        var result = new RecordedEvent[count];
        using var cursor = Txn.Tx.CreateCursor(Txn.Dbs.Events);
        var (code, key, value) = cursor.SeekRange(StoreKeys.Event(Number, forward ? after + 1 : before - 1));
        for (var i = 0; i < count; i++)
        {
            var expected = forward ? after + 1 + i : before - 1 - i;
            var keyBytes = code == MDBResultCode.Success ? key.AsSpan() : default;
            if (keyBytes.Length != 12 || StoreKeys.TenantOf(keyBytes) != Number || StoreKeys.Last(keyBytes) != expected)
                throw Txn.Damaged(Txn.Dbs.Events, StoreKeys.Event(Number, expected), "an event below the tenant's head is missing");
            result[i] = Decode(keyBytes, Txn.Open(Txn.Dbs.Events, keyBytes, value.AsSpan()), expected);
            (code, key, value) = forward ? cursor.Next() : cursor.Previous();
        }
        return result;
    }

    /// <summary>The candidates of the query's items; null when no item can match.</summary>
    private IPositionSource? SourceOf(QueryItem[] items, long after, long before, bool forward)
    {
        var sources = new List<IPositionSource>();
        IPositionSource Postings(byte kind, string name) => new PostingSource(Txn, StoreKeys.Postings(Number, kind, name), after, before, forward);
        foreach (var item in items)
        {
            if (item.Tags.Length > 0)
                sources.Add(new IntersectSource(item.Tags.Distinct(StringComparer.Ordinal).Select(t => Postings(StoreKeys.TagName, t)).ToArray(), forward));
            else
                foreach (var type in item.Types.Distinct(StringComparer.Ordinal))
                    sources.Add(Postings(StoreKeys.TypeName, type));
        }
        return sources.Count switch
        {
            0 => null,
            1 => sources[0],
            _ => new UnionSource(sources.ToArray(), forward),
        };
    }

    long IAppendState.Head => Head.Position;

    bool IAppendState.TryGetStored(Guid id, out RecordedEvent stored)
    {
        if (Tail.WithId(id) is { } recent)
        {
            stored = recent;
            return true;
        }
        var found = TryGetIndexedPosition(id, out var position);
        stored = found ? EventAt(position) : null!;
        return found;
    }

    Checkpoint IAppendState.Checkpoint(string processor) => CheckpointOf(processor);

    ValueTuple<long, bool> IConditionReader.StreamState(string stream)
    {
        var state = StateOf(stream);
        return (state.Version, state.IsLive);
    }

    RecordedEvent[] IConditionReader.Matching(EventQuery query) =>
        Select(new EventQuery(query.Items, query.After, query.Before, Direction.Forward, 0));

    bool IConditionReader.AnyMatchAfter(EventQuery query, long after) =>
        Select(new EventQuery(query.Items, Math.Max(after, query.After), query.Before, Direction.Backward, 1)).Length > 0;
}
