using System.Runtime.CompilerServices;

namespace Hybrid.InMemory.EventStore;

/// <summary>
/// One tenant's log with its indexes (by stream, tag, type and id) and checkpoints. Not thread-safe by itself:
/// <see cref="InMemoryEventStore"/> holds <see cref="Gate"/> around every use.
/// </summary>
internal sealed class TenantLog : IConditionReader
{
    private RecordedEvent[] _events = new RecordedEvent[256];
    private readonly Dictionary<string, StreamEntry> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, long> _positionsById = new();
    private readonly Dictionary<string, PositionList> _byTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PositionList> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Checkpoint> _checkpoints = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _hasWaiters;

    public readonly object Gate = new();

    public long Head { get; private set; }

    public RecordedEvent At(long position) => _events[position - 1];

    public bool TryGetPosition(Guid id, out long position) => _positionsById.TryGetValue(id, out position);

    public StreamState StateOf(string stream) =>
        _streams.TryGetValue(stream, out var entry) ? entry.State : new StreamState(0, 0);

    public void Add(RecordedEvent e)
    {
        if (Head == _events.Length) Array.Resize(ref _events, _events.Length * 2);
        _events[Head] = e;
        Head = e.Position;
        _positionsById.Add(e.Id, e.Position);
        if (e.Stream is not null) StreamOf(e.Stream).Positions.Add(e.Position);
        Index(_byType, e.Type, e.Position);
        foreach (var tag in e.Tags) Index(_byTag, tag, e.Position);
    }

    public StreamEntry StreamOf(string stream)
    {
        if (!_streams.TryGetValue(stream, out var entry)) _streams[stream] = entry = new StreamEntry();
        return entry;
    }

    public bool TryGetStream(string stream, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StreamEntry? entry) =>
        _streams.TryGetValue(stream, out entry);

    public Checkpoint CheckpointOf(string processor) =>
        _checkpoints.TryGetValue(processor, out var c) ? c : new Checkpoint(0, 0);

    public void SetCheckpoint(string processor, Checkpoint checkpoint) => _checkpoints[processor] = checkpoint;

    /// <summary>A task completed by the next append.</summary>
    public Task NextChange()
    {
        _hasWaiters = true;
        return _changed.Task;
    }

    public void SignalChange()
    {
        if (!_hasWaiters) return;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hasWaiters = false;
        changed.SetResult();
    }

    /// <summary>The events the query selects, in its direction and limit.</summary>
    public RecordedEvent[] Select(EventQuery query)
    {
        var before = Math.Min(query.Before, Head + 1);
        var limit = query.Limit > 0 ? query.Limit : int.MaxValue;
        var result = new List<RecordedEvent>();
        if (query.Items.Length == 0 || query.Items.Any(i => i.Types.Length == 0 && i.Tags.Length == 0))
        {
            var range = query.Direction == Direction.Forward
                ? Ascending(query.After + 1, before)
                : Descending(before - 1, query.After + 1);
            foreach (var p in range)
            {
                var e = _events[p - 1];
                if (!EventQueryModule.matchesTypeAndTags(query, e.Type, e.Tags)) continue;
                result.Add(e);
                if (result.Count == limit) break;
            }
            return result.ToArray();
        }
        var positions = new SortedSet<long>();
        foreach (var item in query.Items)
        {
            var taken = 0;
            foreach (var p in Candidates(item).Between(query.After, before, query.Direction))
            {
                var e = _events[p - 1];
                if (!EventQueryModule.itemMatches(item, e.Type, e.Tags)) continue;
                positions.Add(p);
                if (++taken == limit) break;
            }
        }
        var ordered = query.Direction == Direction.Forward ? positions : positions.Reverse();
        foreach (var p in ordered)
        {
            result.Add(_events[p - 1]);
            if (result.Count == limit) break;
        }
        return result.ToArray();
    }

    public RecordedEvent[] ReadStream(StreamRead read)
    {
        if (!_streams.TryGetValue(read.Stream, out var entry)) return [];
        var after = Math.Max(read.After, entry.DeletedUpTo);
        var before = Math.Min(read.Before, entry.Version + 1);
        var limit = read.Limit > 0 ? read.Limit : int.MaxValue;
        var range = read.Direction == Direction.Forward ? Ascending(after + 1, before) : Descending(before - 1, after + 1);
        var result = new List<RecordedEvent>();
        foreach (var version in range)
        {
            result.Add(_events[entry.Positions[(int)version - 1] - 1]);
            if (result.Count == limit) break;
        }
        return result.ToArray();
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

    private PositionList Candidates(QueryItem item)
    {
        if (item.Tags.Length > 0)
        {
            PositionList? smallest = null;
            foreach (var tag in item.Tags)
            {
                if (!_byTag.TryGetValue(tag, out var list)) return Empty;
                if (smallest is null || list.Count < smallest.Count) smallest = list;
            }
            return smallest!;
        }
        if (item.Types.Length == 1) return _byType.TryGetValue(item.Types[0], out var single) ? single : Empty;
        var merged = new List<long>();
        foreach (var type in item.Types)
            if (_byType.TryGetValue(type, out var list))
                for (var i = 0; i < list.Count; i++) merged.Add(list[i]);
        merged.Sort();
        var result = new PositionList();
        foreach (var p in merged) result.Add(p);
        return result;
    }

    private static readonly PositionList Empty = new();

    private static IEnumerable<long> Ascending(long from, long toExclusive)
    {
        for (var p = from; p < toExclusive; p++) yield return p;
    }

    private static IEnumerable<long> Descending(long from, long downToInclusive)
    {
        for (var p = from; p >= downToInclusive; p--) yield return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Index(Dictionary<string, PositionList> index, string key, long position)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = new PositionList();
        list.Add(position);
    }
}
