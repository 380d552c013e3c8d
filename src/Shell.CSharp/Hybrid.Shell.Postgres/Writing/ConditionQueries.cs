namespace Hybrid.Shell.Postgres.Writing;

/// <summary>The queries a batch's conditions need answered inside the lock, and the streams they name.</summary>
internal sealed class ConditionQueries
{
    public readonly List<(EventQuery Query, long After)> Exists = [];
    public readonly List<EventQuery> Matching = [];
    public readonly HashSet<string> Streams = new(StringComparer.Ordinal);

    public void Collect(AppendCondition condition)
    {
        switch (condition)
        {
            case AppendCondition.StreamVersion sv:
                Streams.Add(sv.stream);
                break;
            case AppendCondition.FailIfEventsMatch fm:
                if (!Exists.Contains((fm.query, fm.after))) Exists.Add((fm.query, fm.after));
                break;
            case AppendCondition.Predicate p:
                if (!Matching.Contains(p.query)) Matching.Add(p.query);
                break;
            case AppendCondition.All all:
                foreach (var c in all.Item) Collect(c);
                break;
        }
    }
}
