namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// What a conditional commit read inside the tenant lock, in one round trip, for <see cref="AppendModule.decide"/>: the
/// head, the events already stored with the batch's ids, stream states, checkpoints, and the answer to every condition
/// query of the batch. Earlier members of the group are laid over it by <see cref="AppendOverlay"/>.
/// </summary>
internal sealed class PostgresAppendState : IAppendState
{
    public long Head { get; set; }
    public readonly Dictionary<Guid, RecordedEvent> Stored = new();
    public readonly Dictionary<string, StreamState> Streams = new(StringComparer.Ordinal);
    public readonly Dictionary<string, Checkpoint> Checkpoints = new(StringComparer.Ordinal);
    public readonly Dictionary<(EventQuery Query, long After), bool> Exists = new();
    public readonly Dictionary<EventQuery, RecordedEvent[]> Matches = new();

    public bool TryGetStored(Guid id, out RecordedEvent stored) => Stored.TryGetValue(id, out stored!);

    public Checkpoint Checkpoint(string processor) => Checkpoints.TryGetValue(processor, out var c) ? c : new Checkpoint(0, 0);

    (long, bool) IConditionReader.StreamState(string stream)
    {
        var state = Streams.TryGetValue(stream, out var s) ? s : new StreamState(0, 0);
        return (state.Version, state.IsLive);
    }

    RecordedEvent[] IConditionReader.Matching(EventQuery query) =>
        Matches.TryGetValue(query, out var stored) ? stored : throw Unread(query);

    bool IConditionReader.AnyMatchAfter(EventQuery query, long after) =>
        Exists.TryGetValue((query, after), out var stored) ? stored : throw Unread(query);

    private static InvalidOperationException Unread(EventQuery query) =>
        new($"The condition query {query} was not read before evaluation: a bug in the conditional commit.");
}
