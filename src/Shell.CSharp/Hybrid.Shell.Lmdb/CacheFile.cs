using Hybrid.Shell.Lmdb.Files;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Lmdb;

/// <summary>
/// The read-model cache's data file before it is mapped: probed in a child process (a damaged page would otherwise
/// crash this one with SIGBUS or SIGSEGV), and moved aside when damaged, so the cache starts empty and the engine
/// rebuilds from the log. The damaged file is kept beside it for inspection.
/// </summary>
internal sealed class CacheFile(string directory, TimeSpan probeTimeout, TimeProvider clock, ILogger logger)
{
    public string DataFile { get; } = Path.Combine(directory, "data.mdb");

    /// <summary>What is wrong with the file, or null when it is absent or can be mapped safely.</summary>
    public string? Damage()
    {
        if (!File.Exists(DataFile)) return null;
        if (new FileInfo(DataFile).Length == 0) return "the data file is empty";
        return LmdbProbe.Run(DataFile, exclusive: true, probeTimeout)?.Problem;
    }

    /// <summary>Renames the damaged file (and drops the lock file) with a warning; returns the new name.</summary>
    public string MoveAside(string damage)
    {
        var aside = $"{DataFile}.damaged-{clock.GetUtcNow().UtcDateTime:yyyyMMddTHHmmssfff}";
        if (File.Exists(DataFile)) File.Move(DataFile, aside);
        var lockFile = Path.Combine(directory, "lock.mdb");
        if (File.Exists(lockFile)) File.Delete(lockFile);
        logger.LogWarning("The read-model cache file {File} is damaged ({Damage}): moved it to {Aside}; read models are rebuilt from the log.",
            DataFile, damage, aside);
        return aside;
    }
}
