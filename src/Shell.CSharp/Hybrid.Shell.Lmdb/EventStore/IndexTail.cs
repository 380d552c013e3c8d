namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A tenant's events after its index mark (positions <see cref="Mark"/> + 1 onwards, in order): stored in the log, not
/// yet in the ids, versions and postings indexes. Reads and the append decision look through these beside the indexes.
/// </summary>
/// <remarks>
/// An append writes its events and leaves their index entries to a later commit, which writes the entries of many
/// appends at once (<see cref="TenantView.IndexTailEvents"/>): a single durable append then writes one B-tree (the log)
/// instead of four, about the pages of a plain put. A tail is immutable to its readers: <see cref="Add"/> writes into
/// the buffer only past every count handed out, and a full buffer is copied.
/// </remarks>
internal sealed class IndexTail(long mark, RecordedEvent[] buffer, int count)
{
    /// <summary>The room a tail's buffer starts with.</summary>
    private const int InitialRoom = 64;

    /// <summary>The position up to which every event is in the indexes.</summary>
    public long Mark { get; } = mark;

    /// <summary>The tail's events, positions Mark + 1 to Mark + Count.</summary>
    public ReadOnlySpan<RecordedEvent> Events => buffer.AsSpan(0, count);

    public int Count => count;

    /// <summary>An empty tail after the mark.</summary>
    public static IndexTail Empty(long mark) => new(mark, [], 0);

    /// <summary>The tail of the events read from the log, positions mark + 1 onwards.</summary>
    public static IndexTail Of(long mark, RecordedEvent[] events)
    {
        if (events.Length == 0) return Empty(mark);
        var buffer = new RecordedEvent[Math.Max(InitialRoom, events.Length)];
        events.CopyTo(buffer, 0);
        return new IndexTail(mark, buffer, events.Length);
    }

    /// <summary>This tail with the event after its last.</summary>
    public IndexTail Add(RecordedEvent e)
    {
        if (e.Position != Mark + count + 1)
            throw new InvalidOperationException($"Tenant '{e.Tenant}': position {e.Position} was added to an index tail ending at {Mark + count}.");
        var next = buffer;
        if (count == buffer.Length)
        {
            next = new RecordedEvent[Math.Max(InitialRoom, 2 * buffer.Length)];
            Array.Copy(buffer, next, count);
        }
        next[count] = e;
        return new IndexTail(Mark, next, count + 1);
    }

    /// <summary>The first <paramref name="upTo"/> - Mark events: this tail as of an older head.</summary>
    public IndexTail Until(long upTo) => upTo - Mark == count ? this : new IndexTail(Mark, buffer, (int)(upTo - Mark));

    /// <summary>The tail's event with the id, or null.</summary>
    public RecordedEvent? WithId(Guid id)
    {
        foreach (var e in Events)
            if (e.Id == id) return e;
        return null;
    }

    /// <summary>The tail's events of the stream, by version.</summary>
    public List<RecordedEvent> OfStream(string stream)
    {
        var found = new List<RecordedEvent>();
        foreach (var e in Events)
            if (string.Equals(e.Stream, stream, StringComparison.Ordinal)) found.Add(e);
        return found;
    }

    /// <summary>The stream's last version in the tail, or 0.</summary>
    public long LastVersionOf(string stream)
    {
        var events = Events;
        for (var i = events.Length - 1; i >= 0; i--)
            if (string.Equals(events[i].Stream, stream, StringComparison.Ordinal)) return events[i].StreamVersion;
        return 0;
    }
}
