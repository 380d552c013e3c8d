using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

// Purges of a tenant, in the writer's transaction: the events a purge targets, and carrying out Purging.plan's plan.
internal sealed partial class TenantView
{
    /// <summary>The target's events as stored (placeholders included), and the target stream's state.</summary>
    public (RecordedEvent[] Events, StreamState Stream) PurgeTarget(PurgeTarget target)
    {
        if (target is PurgeTarget.EventsAt at)
            return (at.Item.Where(p => p <= Head.Position).Distinct().Select(EventAt).ToArray(), new StreamState(0, 0));
        var stream = ((PurgeTarget.WholeStream)target).Item;
        var key = StoreKeys.Versions(Number, stream);
        var state = StateOf(stream, key);
        if (state.Version == 0) return ([], state);
        var events = new List<RecordedEvent>((int)Math.Min(state.Version, 4096));
        using var cursor = Versions(key);
        for (var found = cursor.SeekForward(1, out _, out var position); found; found = cursor.Next(out _, out position))
            events.Add(EventAt(position));
        return (events.ToArray(), state);
    }

    /// <summary>
    /// Rewrites each purged event as its placeholder, moves its postings from its type and tags to the placeholder
    /// type, and sets the tombstone. Ids and stream versions stay: the placeholder keeps them.
    /// </summary>
    public void Purge(RecordWriter w, PurgePlan plan)
    {
        foreach (var placeholder in plan.Placeholders)
        {
            var position = placeholder.Position;
            var old = EventAt(position);
            foreach (var (kind, text) in old.Tags.Distinct(StringComparer.Ordinal).Select(t => (StoreKeys.TagName, t)).Prepend((StoreKeys.TypeName, old.Type)))
                Unpost(kind, text, position);
            w.Clear();
            EventRecord.Write(w, placeholder);
            Txn.Put(Txn.Dbs.Events, StoreKeys.Event(Number, position), w.Written);
            // Placeholders arrive below later postings of their type: an ordered insert, not an append.
            KeyLists.Insert(Txn, Txn.Dbs.Postings, StoreKeys.Postings(Number, StoreKeys.TypeName, placeholder.Type), position);
        }
        _lastRead = null;
        if (plan.Tombstone is { } tombstone) DeleteStream(tombstone.Value.Item1, tombstone.Value.Item2);
    }

    private void Unpost(byte kind, string name, long position)
    {
        var prefix = StoreKeys.Postings(Number, kind, name);
        if (!KeyLists.Remove(Txn, Txn.Dbs.Postings, prefix, position))
            throw Txn.Damaged(Txn.Dbs.Postings, KeyLists.Key(prefix, position), $"the posting of position {position} is missing");
    }
}
