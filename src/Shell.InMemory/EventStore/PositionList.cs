namespace Hybrid.InMemory.EventStore;

/// <summary>
/// A growable, sorted list of positions: one per tag, type or stream index of a tenant log. Positions are kept as
/// ints (a log is an array, so none exceeds int.MaxValue): half the memory of longs, and an index costs about as
/// much memory as the log's event references.
/// </summary>
internal sealed class PositionList
{
    private int[] _items = new int[4];

    public static readonly PositionList Empty = new();

    public int Count { get; private set; }

    public long this[int index] => _items[index];

    public void Add(long position)
    {
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = checked((int)position);
    }

    /// <summary>Inserts a position in order (a purge posts placeholders below later positions); no-op when present.</summary>
    public void Insert(long position)
    {
        var at = FirstAbove(position - 1);
        if (at < Count && _items[at] == position) return;
        if (Count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        Array.Copy(_items, at, _items, at + 1, Count - at);
        _items[at] = checked((int)position);
        Count++;
    }

    /// <summary>Removes a position (a purged event leaves its type and tag indexes); no-op when absent.</summary>
    public void Remove(long position)
    {
        var at = FirstAbove(position - 1);
        if (at >= Count || _items[at] != position) return;
        Array.Copy(_items, at + 1, _items, at, Count - at - 1);
        Count--;
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
