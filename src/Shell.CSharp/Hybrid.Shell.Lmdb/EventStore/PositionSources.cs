namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Positions of a tenant's log, in a direction, strictly between two bounds: what a query's index scan yields.</summary>
internal interface IPositionSource : IDisposable
{
    /// <summary>The next position (the first when called first); false when there are no more.</summary>
    bool Next(out long position);

    /// <summary>The first position at or beyond the target in the source's direction; false when there is none.</summary>
    bool SeekTo(long target, out long position);
}

/// <summary>The postings of one type or tag: its sorted list of positions, within the bounds.</summary>
internal sealed class PostingSource(StoreTxn txn, byte[] prefix, long after, long before, bool forward) : IPositionSource
{
    private readonly ListCursor _cursor = new(txn, txn.Dbs.Postings, prefix, versions: false);
    private bool _started;

    public bool Next(out long position)
    {
        if (!_started) return SeekTo(forward ? after + 1 : before - 1, out position);
        return Within(forward ? _cursor.Next(out position, out _) : _cursor.Previous(out position, out _), position);
    }

    public bool SeekTo(long target, out long position)
    {
        _started = true;
        return Within(forward
            ? _cursor.SeekForward(Math.Max(target, after + 1), out position, out _)
            : _cursor.SeekBackward(Math.Min(target, before - 1), out position, out _), position);
    }

    private bool Within(bool found, long position) => found && position > after && position < before;

    public void Dispose() => _cursor.Dispose();
}

/// <summary>Positions every source has (events carrying all of a query item's tags): sources leapfrog each other.</summary>
internal sealed class IntersectSource(IPositionSource[] sources, bool forward) : IPositionSource
{
    private long _last;
    private bool _started;

    public bool Next(out long position) =>
        _started ? SeekTo(forward ? _last + 1 : _last - 1, out position) : Align(sources[0].Next(out position), position, out position);

    public bool SeekTo(long target, out long position) => Align(sources[0].SeekTo(target, out position), position, out position);

    private bool Align(bool found, long candidate, out long position)
    {
        _started = true;
        position = candidate;
        if (!found) return false;
        var agreed = 1;
        for (var i = 1; agreed < sources.Length; i = (i + 1) % sources.Length)
        {
            if (!sources[i].SeekTo(position, out var p)) return false;
            if (p == position) agreed++;
            else
            {
                position = p;
                agreed = 1;
            }
        }
        _last = position;
        return true;
    }

    public void Dispose()
    {
        foreach (var s in sources) s.Dispose();
    }
}

/// <summary>Positions any source has, each once, in order (events matching any query item).</summary>
internal sealed class UnionSource(IPositionSource[] sources, bool forward) : IPositionSource
{
    private readonly long?[] _heads = new long?[sources.Length];
    private bool _started;

    public bool Next(out long position)
    {
        if (!_started)
        {
            _started = true;
            for (var i = 0; i < sources.Length; i++) _heads[i] = sources[i].Next(out var p) ? p : null;
        }
        return Take(out position);
    }

    public bool SeekTo(long target, out long position)
    {
        _started = true;
        for (var i = 0; i < sources.Length; i++) _heads[i] = sources[i].SeekTo(target, out var p) ? p : null;
        return Take(out position);
    }

    private bool Take(out long position)
    {
        long? best = null;
        foreach (var h in _heads)
            if (h is { } v && (best is null || (forward ? v < best : v > best))) best = v;
        position = best ?? 0;
        if (best is null) return false;
        for (var i = 0; i < sources.Length; i++)
            if (_heads[i] == best) _heads[i] = sources[i].Next(out var p) ? p : null;
        return true;
    }

    public void Dispose()
    {
        foreach (var s in sources) s.Dispose();
    }
}
