namespace Hybrid.InMemory.EventStore;

/// <summary>
/// A growable, sorted list of positions: one per tag, type or stream index of a tenant log. Positions are kept as
/// ints (a log holds at most int.MaxValue events): half the memory of longs, in chunks (see <see cref="ChunkedList{T}"/>).
/// </summary>
internal sealed class PositionList
{
    private ChunkedList<int> _items = new(4);

    public int Count => _items.Count;

    public long this[int index] => _items[index];

    /// <summary>The last position, or 0 when the list is empty (positions start at 1).</summary>
    public long Last => _items.Count == 0 ? 0 : _items[_items.Count - 1];

    public void Add(long position) => _items.Add(checked((int)position));

    /// <summary>Inserts a position in order (a purge posts placeholders below later positions); no-op when present.</summary>
    public void Insert(long position)
    {
        var at = FirstAbove(position - 1);
        if (at < Count && _items[at] == position) return;
        _items.Insert(at, checked((int)position));
    }

    /// <summary>Removes a position (a purged event leaves its type and tag indexes); no-op when absent.</summary>
    public void Remove(long position)
    {
        var at = FirstAbove(position - 1);
        if (at >= Count || _items[at] != position) return;
        _items.RemoveAt(at);
    }

    /// <summary>The index of the first position greater than <paramref name="position"/>.</summary>
    public int FirstAbove(long position)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_items[mid] <= position) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The index range [first, end) of the positions strictly between the bounds.</summary>
    public (int First, int End) Between(long after, long before) =>
        before == long.MinValue ? (0, 0) : (FirstAbove(after), FirstAbove(before - 1));
}
