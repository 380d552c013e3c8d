namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// What a conditional commit knows inside the tenant lock: the stream states and query results read from the
/// database in one round trip, overlaid with the events accepted earlier in the same batch, so each append's
/// condition sees exactly the log it would have seen had the appends committed one by one.
/// </summary>
internal sealed class BatchConditionReader : IConditionReader
{
    public readonly Dictionary<string, StreamState> Streams = new(StringComparer.Ordinal);
    public readonly Dictionary<(EventQuery Query, long After), bool> Exists = new();
    public readonly Dictionary<EventQuery, RecordedEvent[]> Matches = new();
    public readonly List<RecordedEvent> Accepted = [];

    public StreamState StateOf(string stream) => Streams.TryGetValue(stream, out var s) ? s : new StreamState(0, 0);

    (long, bool) IConditionReader.StreamState(string stream)
    {
        var state = StateOf(stream);
        return (state.Version, state.IsLive);
    }

    RecordedEvent[] IConditionReader.Matching(EventQuery query)
    {
        if (!Matches.TryGetValue(query, out var stored)) throw Unread(query);
        var added = Accepted.Where(e => EventQueryModule.matches(query, e));
        return stored.Concat(added).ToArray();
    }

    bool IConditionReader.AnyMatchAfter(EventQuery query, long after)
    {
        if (!Exists.TryGetValue((query, after), out var stored)) throw Unread(query);
        var from = Math.Max(after, query.After);
        return stored || Accepted.Any(e => e.Position > from && EventQueryModule.matches(query, e));
    }

    private static InvalidOperationException Unread(EventQuery query) =>
        new($"The condition query {query} was not read before evaluation: a bug in the conditional commit.");
}
