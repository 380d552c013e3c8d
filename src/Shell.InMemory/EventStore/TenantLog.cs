using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hybrid.InMemory.EventStore;

/// <summary>
/// One tenant's log with its indexes (by stream, tag, type and id) and checkpoints. Not thread-safe by itself:
/// <see cref="InMemoryEventStore"/> holds <see cref="Gate"/> around every use. Reads are in TenantLog.Queries.cs.
/// </summary>
internal sealed partial class TenantLog
{
    /// <summary>_events[p - 1] is the event at position p.</summary>
    private ChunkedList<RecordedEvent> _events = new(256);
    private readonly Dictionary<string, StreamEntry> _streams = new(StringComparer.Ordinal);
    private readonly IdIndex _positionsById = new();
    private readonly Dictionary<string, PositionList> _byTag = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PositionList> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Checkpoint> _checkpoints = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _hasWaiters;

    public readonly Lock Gate = new();

    public long Head { get; private set; }

    public RecordedEvent At(long position) => _events[(int)position - 1];

    public bool TryGetStored(Guid id, out RecordedEvent stored)
    {
        var found = _positionsById.TryGet(id, _events, out var position);
        stored = found ? At(position) : null!;
        return found;
    }

    Checkpoint IAppendState.Checkpoint(string processor) => CheckpointOf(processor);

    public StreamState StateOf(string stream) =>
        _streams.TryGetValue(stream, out var entry) ? entry.State : new StreamState(0, 0);

    /// <summary>Carries out a write <see cref="AppendModule.decide"/> planned: its events (positions from Head + 1) and checkpoints.</summary>
    public void Write(AppendWrite write)
    {
        string? lastStream = null;
        StreamEntry? entry = null;
        foreach (var e in write.Events)
        {
            if (e.Stream is null) entry = null;
            else if (entry is null || !string.Equals(e.Stream, lastStream, StringComparison.Ordinal)) entry = StreamOf(lastStream = e.Stream);
            Add(e, entry);
        }
        foreach (var c in write.Checkpoints) SetCheckpoint(c.Processor, c.Checkpoint);
        if (write.Events.Length > 0) SignalChange();
    }

    /// <summary>Adds the next event (its position is Head + 1) to the log and its indexes.</summary>
    private void Add(RecordedEvent e, StreamEntry? stream)
    {
        _events.Add(e);
        Head = e.Position;
        _positionsById.Add(e.Id, e.Position);
        stream?.Positions.Add(e.Position);
        _lastType.Add(_byType, e.Type, e.Position);
        var tags = e.Tags;
        for (var i = 0; i < tags.Length; i++)
        {
            if (i < _lastTags.Length) _lastTags[i].Add(_byTag, tags[i], e.Position);
            else Index(_byTag, tags[i], e.Position);
        }
    }

    // The index lists last used for the type and for the first tags: events written together mostly share their type
    // and some tags (at the same place), and comparing a string with the last one costs less than hashing it.
    private RecentList _lastType;
    private readonly RecentList[] _lastTags = new RecentList[4];

    private struct RecentList
    {
        private string? _key;
        private PositionList? _list;

        public void Add(Dictionary<string, PositionList> index, string key, long position)
        {
            if (_list is null || !string.Equals(key, _key, StringComparison.Ordinal))
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(index, key, out _);
                _list = list ??= new PositionList();
                _key = key;
            }
            // An event carrying the same tag twice is indexed once.
            if (_list.Last != position) _list.Add(position);
        }
    }

    public StreamEntry StreamOf(string stream)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_streams, stream, out _);
        return entry ??= new StreamEntry();
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Index(Dictionary<string, PositionList> index, string key, long position)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(index, key, out _);
        list ??= new PositionList();
        // An event carrying the same tag twice is indexed once.
        if (list.Last != position) list.Add(position);
    }
}
