using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

internal static class CursorExtensions
{
    /// <summary>Moves to the first key at or after the given one and returns the entry there.</summary>
    public static (MDBResultCode Code, MDBValue Key, MDBValue Value) SeekRange(this LightningCursor cursor, ReadOnlySpan<byte> key)
    {
        var code = cursor.SetRange(key);
        return code == MDBResultCode.Success ? cursor.GetCurrent() : (code, default, default);
    }
}
