using Hybrid.Shell.Lmdb.Files;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// What the event store's data file gets before this process maps it, and what a refusal of it means: one rule for
/// opening, verifying and backing up a store. An empty file, or one whose structure the probe rejects, is damaged
/// (<see cref="LmdbStoreDamagedException"/>: restore it from a backup); a file this user may not open is not damaged
/// (a plain <see cref="IOException"/> saying so: restoring a backup would not help, its permissions need fixing).
/// </summary>
internal static class StoreFileCheck
{
    /// <summary>
    /// Throws when the existing data file cannot be mapped safely: empty, refused to this user, or (with
    /// <paramref name="probe"/>) rejected by the structural probe. <paramref name="exclusive"/>: no other process uses
    /// the file (the probe then uses no lock file).
    /// </summary>
    public static void ThrowIfUnusable(string dataFile, bool probe, bool exclusive, TimeSpan timeout)
    {
        if (new FileInfo(dataFile).Length == 0) throw new LmdbStoreDamagedException(dataFile, "the file is empty");
        if (!probe || LmdbProbe.Run(dataFile, exclusive, timeout) is not { Sound: false } report) return;
        if (report is { Finished: true, Signal: 0 } && LmdbCodes.IsAccessDenied(report.Status)) throw Refused(dataFile, report.Status);
        var database = report.Database.Length == 0 ? null : report.Database;
        var key = report.Key.Length == 0 ? null : StoreKeyText.Describe(report.Database, report.Key);
        throw new LmdbStoreDamagedException(dataFile, report.Problem!, database, key);
    }

    /// <summary>The exception for an LMDB or system <paramref name="code"/> refusing the data file as a whole.</summary>
    public static IOException Refused(string dataFile, int code) => LmdbCodes.IsAccessDenied(code)
        ? new IOException($"The event store file '{dataFile}' cannot be opened: {LmdbCodes.Describe(code)}. It is not reported as damaged: " +
                          "give the user this process runs as read and write access to it, to its lock.mdb and to its directory.")
        : new LmdbStoreDamagedException(dataFile, LmdbCodes.Describe(code));
}
