namespace Hybrid.InMemory.EventStore;

/// <summary>Reads of a tenant log: $all through queries (by index when the query names types or tags), streams, conditions.</summary>
internal sealed partial class TenantLog : IAppendState
{
    /// <summary>The events the query selects, in its direction and limit.</summary>
    public RecordedEvent[] Select(EventQuery query)
    {
        var after = Math.Max(query.After, 0L);
        if (after >= Head) return [];
        var before = Math.Min(query.Before, Head + 1);
        if (before <= after + 1) return [];
        var limit = query.Limit > 0 ? query.Limit : int.MaxValue;
        return MatchesEverything(query.Items)
            ? Range(after, before, query.Direction, limit)
            : FromIndexes(query.Items, after, before, query.Direction, limit);
    }

    private static bool MatchesEverything(QueryItem[] items)
    {
        if (items.Length == 0) return true;
        foreach (var item in items)
            if (item.Types.Length == 0 && item.Tags.Length == 0) return true;
        return false;
    }

    /// <summary>Every event strictly between the positions, which are within the log.</summary>
    private RecordedEvent[] Range(long after, long before, Direction direction, int limit)
    {
        var count = (int)Math.Min(before - after - 1, limit);
        var result = new RecordedEvent[count];
        if (direction == Direction.Forward) _events.CopyTo((int)after, result, 0, count);
        else for (var i = 0; i < count; i++) result[i] = _events[(int)before - 2 - i];
        return result;
    }

    /// <summary>
    /// The union of the items' candidates: an item with tags scans its rarest tag's positions and checks the rest,
    /// an item of types only takes each type's positions as they are.
    /// </summary>
    private RecordedEvent[] FromIndexes(QueryItem[] items, long after, long before, Direction direction, int limit)
    {
        var positions = new List<long>();
        var sources = 0;
        foreach (var item in items)
        {
            if (item.Tags.Length > 0)
            {
                var rarest = RarestTag(item.Tags);
                if (rarest is null) continue;
                Collect(rarest, item, after, before, direction, limit, positions);
                sources++;
            }
            else
            {
                foreach (var type in item.Types)
                {
                    if (!_byType.TryGetValue(type, out var list)) continue;
                    Collect(list, null, after, before, direction, limit, positions);
                    sources++;
                }
            }
        }
        if (sources > 1) SortDistinct(positions, direction);
        var result = new RecordedEvent[Math.Min(positions.Count, limit)];
        for (var i = 0; i < result.Length; i++) result[i] = _events[(int)positions[i] - 1];
        return result;
    }

    private PositionList? RarestTag(string[] tags)
    {
        PositionList? rarest = null;
        foreach (var tag in tags)
        {
            if (!_byTag.TryGetValue(tag, out var list)) return null;
            if (rarest is null || list.Count < rarest.Count) rarest = list;
        }
        return rarest;
    }

    /// <summary>Adds up to limit positions of the list between the bounds, in the direction, that the item (if any) matches.</summary>
    private void Collect(PositionList list, QueryItem? item, long after, long before, Direction direction, int limit, List<long> into)
    {
        var (first, end) = list.Between(after, before);
        var taken = 0;
        var forward = direction == Direction.Forward;
        for (var k = 0; k < end - first && taken < limit; k++)
        {
            var p = list[forward ? first + k : end - 1 - k];
            if (item is not null)
            {
                var e = _events[(int)p - 1];
                if (!EventQueryModule.itemMatches(item, e.Type, e.Tags)) continue;
            }
            into.Add(p);
            taken++;
        }
    }

    private static void SortDistinct(List<long> positions, Direction direction)
    {
        positions.Sort();
        var kept = 0;
        for (var i = 0; i < positions.Count; i++)
            if (kept == 0 || positions[kept - 1] != positions[i]) positions[kept++] = positions[i];
        positions.RemoveRange(kept, positions.Count - kept);
        if (direction == Direction.Backward) positions.Reverse();
    }

    /// <summary>The stream's live events strictly between the versions, in the direction, at most limit of them.</summary>
    public RecordedEvent[] ReadStream(StreamRead read)
    {
        if (!_streams.TryGetValue(read.Stream, out var entry)) return [];
        var after = Math.Max(read.After, entry.DeletedUpTo);
        if (after >= entry.Version) return [];
        var before = Math.Min(read.Before, entry.Version + 1);
        if (before <= after + 1) return [];
        var count = (int)Math.Min(before - after - 1, read.Limit > 0 ? read.Limit : int.MaxValue);
        var result = new RecordedEvent[count];
        var forward = read.Direction == Direction.Forward;
        for (var i = 0; i < count; i++)
        {
            // Version v is at Positions[v - 1].
            var index = forward ? after + i : before - 2 - i;
            result[i] = _events[(int)entry.Positions[(int)index] - 1];
        }
        return result;
    }

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
