using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A cursor over one list of the versions or postings database (see <see cref="KeyLists"/>): seeks by number in either
/// direction and steps entry by entry, chunk after chunk, checking each chunk as it is read. An entry is its number
/// (a version, a position) and, for versions, its payload (the version's position).
/// </summary>
internal sealed class ListCursor : IDisposable
{
    private readonly StoreTxn _txn;
    private readonly LightningDatabase _db;
    private readonly byte[] _prefix;
    private readonly byte[] _probe;
    private readonly bool _consecutive;
    private readonly LightningCursor _cursor;
    private readonly long[] _entries = new long[KeyLists.MaxEntries];
    private long _first; // the current chunk's key number
    private int _count; // entries of the current chunk (0: none loaded)
    private int _index;

    /// <summary>A cursor over the list; <paramref name="versions"/> for a stream's versions, else a posting list.</summary>
    public ListCursor(StoreTxn txn, LightningDatabase db, byte[] prefix, bool versions)
    {
        _txn = txn;
        _db = db;
        _prefix = prefix;
        _consecutive = versions;
        _probe = new byte[prefix.Length + 8];
        _cursor = txn.Tx.CreateCursor(db);
    }

    /// <summary>The first entry whose number is at least <paramref name="number"/>.</summary>
    public bool SeekForward(long number, out long found, out long payload)
    {
        if (AtOrBelow(number))
        {
            _index = FirstAtLeast(number);
            if (_index < _count) return Current(out found, out payload);
        }
        // Nothing at or below the number holds it: the first chunk above it.
        _count = 0;
        var (code, key, value) = _cursor.SeekRange(KeyLists.Key(_prefix, number, _probe));
        _index = 0;
        return Load(code, key, value) ? Current(out found, out payload) : None(out found, out payload);
    }

    /// <summary>The last entry whose number is at most <paramref name="number"/>.</summary>
    public bool SeekBackward(long number, out long found, out long payload)
    {
        if (!AtOrBelow(number)) return None(out found, out payload);
        _index = FirstAtLeast(number);
        if (_index == _count || NumberAt(_index) > number) _index--;
        return Current(out found, out payload);
    }

    /// <summary>The list's last entry.</summary>
    public bool Last(out long found, out long payload) => SeekBackward(long.MaxValue, out found, out payload);

    public bool Next(out long found, out long payload)
    {
        if (_count == 0) return None(out found, out payload);
        if (++_index < _count) return Current(out found, out payload);
        var (code, key, value) = _cursor.Next();
        _index = 0;
        return Load(code, key, value) ? Current(out found, out payload) : None(out found, out payload);
    }

    public bool Previous(out long found, out long payload)
    {
        if (_count == 0) return None(out found, out payload);
        if (--_index >= 0) return Current(out found, out payload);
        var (code, key, value) = _cursor.Previous();
        if (!Load(code, key, value)) return None(out found, out payload);
        _index = _count - 1;
        return Current(out found, out payload);
    }

    /// <summary>Loads the last chunk whose first number is at or below the number; false when there is none.</summary>
    private bool AtOrBelow(long number)
    {
        var (code, key, value) = _cursor.SeekRange(KeyLists.Key(_prefix, number, _probe));
        if (code == MDBResultCode.Success && key.AsSpan().SequenceEqual(_probe)) return Load(code, key, value);
        (code, key, value) = code == MDBResultCode.NotFound ? _cursor.Last() : code == MDBResultCode.Success ? _cursor.Previous() : (code, key, value);
        return Load(code, key, value);
    }

    /// <summary>Makes the chunk the cursor is on the current one, when it is one of this list's.</summary>
    private bool Load(MDBResultCode code, MDBValue key, MDBValue value)
    {
        _count = 0;
        if (code == MDBResultCode.NotFound) return false;
        code.ThrowOnError();
        var k = key.AsSpan();
        if (!KeyLists.InList(k, _prefix)) return false;
        _count = KeyLists.Decode(_txn, _db, k, value.AsSpan(), _consecutive, _entries);
        _first = KeyLists.NumberOf(k);
        return true;
    }

    private long NumberAt(int index) => _consecutive ? _first + index : _entries[index];

    /// <summary>The index of the current chunk's first entry whose number is at least the number (the count when none is).</summary>
    private int FirstAtLeast(long number)
    {
        if (_consecutive) return (int)Math.Clamp(number - _first, 0, _count);
        var at = _entries.AsSpan(0, _count).BinarySearch(number);
        return at >= 0 ? at : ~at;
    }

    private bool Current(out long found, out long payload)
    {
        found = NumberAt(_index);
        payload = _consecutive ? _entries[_index] : 0;
        return true;
    }

    private bool None(out long found, out long payload)
    {
        _count = 0;
        found = payload = 0;
        return false;
    }

    public void Dispose() => _cursor.Dispose();
}
