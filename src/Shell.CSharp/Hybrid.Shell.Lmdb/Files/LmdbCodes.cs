using LightningDB;

namespace Hybrid.Shell.Lmdb.Files;

/// <summary>LMDB and system error codes in words, for messages about damaged or unusable files.</summary>
internal static class LmdbCodes
{
    public static string Describe(int code) => (MDBResultCode)code switch
    {
        MDBResultCode.Invalid => "it is not an LMDB file, or its header is damaged",
        MDBResultCode.VersionMismatch => "it was written by an incompatible LMDB version",
        MDBResultCode.Corrupted => "LMDB found a damaged page",
        MDBResultCode.PageNotFound => "LMDB found a reference to a missing page",
        MDBResultCode.Panic => "LMDB stopped with a fatal error",
        MDBResultCode.BadChecksum => "LMDB found a page checksum mismatch",
        MDBResultCode.Incompatible => "a database in it has an unexpected format",
        MDBResultCode.MapFull => "the file is larger than the map allows",
        MDBResultCode.BadValSize => "a key or value is larger than LMDB stores",
        MDBResultCode.TxnFull => "the write touches more pages than one transaction holds",
        _ when code > 0 => $"the system refused it: {new System.ComponentModel.Win32Exception(code).Message} (errno {code})",
        _ => $"LMDB error {code}",
    };

    /// <summary>
    /// True when the code is the system refusing this user access to the file (EPERM, EACCES): a matter of permissions,
    /// not of the file's content.
    /// </summary>
    public static bool IsAccessDenied(int code) => code is 1 or 13;

    /// <summary>True when the code refuses one write's own data (too large a value, too many pages for one transaction).</summary>
    public static bool IsRefusal(MDBResultCode code) => code is MDBResultCode.BadValSize or MDBResultCode.TxnFull;

    /// <summary>True when the code says the file's content is damaged (rather than, say, a full map).</summary>
    public static bool IsDamage(MDBResultCode code) => code is MDBResultCode.Corrupted or MDBResultCode.PageNotFound
        or MDBResultCode.Panic or MDBResultCode.Invalid or MDBResultCode.BadChecksum or MDBResultCode.VersionMismatch
        or MDBResultCode.Incompatible;
}
