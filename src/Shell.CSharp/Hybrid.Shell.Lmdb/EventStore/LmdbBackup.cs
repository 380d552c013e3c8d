using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A consistent online copy of an event store (LMDB's copy with compaction: a read snapshot, free pages left out),
/// taken from another process while the store runs, or from none. The copy is verified before it is reported done;
/// a copy that fails is removed, so the target is as it was. Restore by opening a store on the copy's directory.
/// </summary>
public static class LmdbBackup
{
    /// <summary>
    /// Copies the store in <paramref name="storeDirectory"/> into <paramref name="targetDirectory"/> (created; it must
    /// be empty) and verifies the copy. Throws an <see cref="ArgumentException"/> when the target is not empty (the
    /// caller's mistake, nothing copied), a <see cref="FileNotFoundException"/> when there is no store to copy, a
    /// <see cref="LmdbStoreDamagedException"/> naming the store's file when the source cannot be read safely or the
    /// copy of it is not sound, and an <see cref="IOException"/> when the source or the target cannot be used (no
    /// permission, a target that cannot be created); in each case the target is left as it was.
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
        StoreFileCheck.ThrowIfUnusable(dataFile, probe: true, exclusive: false, timeout);
        var created = FirstMissing(Path.GetFullPath(targetDirectory));
        try { Directory.CreateDirectory(targetDirectory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The backup target '{targetDirectory}' cannot be created: {e.Message}", e);
        }
        try
        {
            CopySnapshot(storeDirectory, dataFile, targetDirectory);
            var copy = LmdbStoreVerifier.Verify(targetDirectory, timeout);
            // The copy is a faithful snapshot of the store: what is wrong with it is wrong with the store.
            if (!copy.Sound) throw new LmdbStoreDamagedException(dataFile, copy.Problem!, copy.Database, copy.Key);
            return copy;
        }
        catch
        {
            RemoveCopy(targetDirectory, created);
            throw;
        }
    }

    private static void CopySnapshot(string storeDirectory, string dataFile, string targetDirectory)
    {
        var length = new FileInfo(dataFile).Length;
        using var env = new LightningEnvironment(storeDirectory, new EnvironmentConfiguration { MapSize = Math.Max(1L << 20, length * 2), MaxDatabases = 16 });
        try
        {
            env.Open(EnvironmentOpenFlags.ReadOnly | EnvironmentOpenFlags.NoThreadLocalStorage);
            env.CopyTo(targetDirectory, compact: true).ThrowOnError();
        }
        catch (LightningException e)
        {
            throw StoreFileCheck.Refused(dataFile, e.StatusCode);
        }
    }

    /// <summary>The outermost directory of <paramref name="directory"/>'s path that does not exist yet (null when it exists).</summary>
    private static string? FirstMissing(string directory)
    {
        string? missing = null;
        for (var d = directory; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing = d;
        return missing;
    }

    /// <summary>Leaves the target as it was: the directories the copy created removed, or an existing one emptied again.</summary>
    private static void RemoveCopy(string targetDirectory, string? created)
    {
        try
        {
            if (created is not null) Directory.Delete(created, recursive: true);
            else foreach (var file in Directory.EnumerateFiles(targetDirectory)) File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The failure being reported matters more than what is left of a copy that could not be removed.
        }
    }
}
