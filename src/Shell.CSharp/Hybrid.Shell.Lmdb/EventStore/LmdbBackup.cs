using Hybrid.Shell.Lmdb.Files;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A consistent online copy of an event store (LMDB's copy with compaction: a read snapshot, free pages left out),
/// taken from another process while the store runs, or from none. The copy is verified before it is reported done.
/// Restore by opening a store on the copy's directory.
/// </summary>
public static class LmdbBackup
{
    /// <summary>
    /// Copies the store in <paramref name="storeDirectory"/> into <paramref name="targetDirectory"/> (created; it must
    /// be empty) and verifies the copy. Throws an <see cref="ArgumentException"/> when the target is not empty (the
    /// caller's mistake, nothing copied), a <see cref="FileNotFoundException"/> when there is no store to copy, and a
    /// <see cref="LmdbStoreDamagedException"/> when the source cannot be read safely or the copy is not sound.
    /// </summary>
    public static LmdbVerification Copy(string storeDirectory, string targetDirectory, TimeSpan? probeTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDirectory);
        var dataFile = Path.Combine(storeDirectory, "data.mdb");
        if (!File.Exists(dataFile)) throw new FileNotFoundException($"There is no event store in '{storeDirectory}' (no data.mdb).", dataFile);
        if (Directory.Exists(targetDirectory) && Directory.EnumerateFileSystemEntries(targetDirectory).Any())
            throw new ArgumentException($"The backup target '{targetDirectory}' is not empty: copy into an empty or new directory.");
        var timeout = probeTimeout ?? TimeSpan.FromMinutes(10);
        // Another process may be writing the store: probe it through LMDB's lock file, as a reader.
        if (LmdbProbe.Run(dataFile, exclusive: false, timeout) is { Sound: false } report)
            throw new LmdbStoreDamagedException(dataFile, report.Problem!, report.Database, report.Key.Length == 0 ? null : StoreKeyText.Describe(report.Database, report.Key));
        Directory.CreateDirectory(targetDirectory);
        var length = new FileInfo(dataFile).Length;
        using (var env = new LightningEnvironment(storeDirectory, new EnvironmentConfiguration { MapSize = Math.Max(1L << 20, length * 2), MaxDatabases = 16 }))
        {
            env.Open(EnvironmentOpenFlags.ReadOnly | EnvironmentOpenFlags.NoThreadLocalStorage);
            env.CopyTo(targetDirectory, compact: true).ThrowOnError();
        }
        var copy = LmdbStoreVerifier.Verify(targetDirectory, timeout);
        if (!copy.Sound) throw new LmdbStoreDamagedException(copy.File, $"the copy is not sound: {copy.Problem}", copy.Database, copy.Key);
        return copy;
    }
}
