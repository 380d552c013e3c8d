namespace Hybrid.InMemory.EventStore;

// Purges of a tenant log: the events a purge targets, and carrying out the plan Purging.plan made.
internal sealed partial class TenantLog
{
    /// <summary>The target's events as stored (placeholders included), and the target stream's state.</summary>
    public (RecordedEvent[] Events, StreamState Stream) PurgeTarget(PurgeTarget target)
    {
        if (target is PurgeTarget.WholeStream whole)
        {
            if (!_streams.TryGetValue(whole.Item, out var entry)) return ([], new StreamState(0, 0));
            var events = new RecordedEvent[entry.Positions.Count];
            for (var i = 0; i < events.Length; i++) events[i] = At(entry.Positions[i]);
            return (events, entry.State);
        }
        var positions = ((PurgeTarget.EventsAt)target).Item;
        return (positions.Where(p => p <= Head).Distinct().Select(At).ToArray(), new StreamState(0, 0));
    }

    /// <summary>Replaces events by their placeholders (moving them from their type and tag indexes) and sets the tombstone.</summary>
    public void Purge(PurgePlan plan)
    {
        foreach (var placeholder in plan.Placeholders)
        {
            var position = placeholder.Position;
            var old = At(position);
            if (_byType.TryGetValue(old.Type, out var byType)) byType.Remove(position);
            foreach (var tag in old.Tags)
                if (_byTag.TryGetValue(tag, out var byTag)) byTag.Remove(position);
            _events[(int)position - 1] = placeholder;
            if (!_byType.TryGetValue(placeholder.Type, out var purged)) _byType[placeholder.Type] = purged = new PositionList();
            purged.Insert(position);
        }
        if (plan.Tombstone is { } tombstone) StreamOf(tombstone.Value.Item1).DeletedUpTo = tombstone.Value.Item2;
    }
}
