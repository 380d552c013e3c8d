namespace Hybrid.Shell.Lmdb;

/// <summary>Settings of the LMDB read-model cache.</summary>
public sealed record LmdbReadModelStoreOptions
{
    /// <summary>The directory holding the cache's data.mdb and lock.mdb.</summary>
    public required string Directory { get; init; }

    /// <summary>The first map size in bytes; the map doubles whenever it is full. 64 MiB by default.</summary>
    public long InitialMapSize { get; init; } = 64L << 20;

    /// <summary>The largest map size the cache grows to, in bytes. 64 GiB by default.</summary>
    public long MaxMapSize { get; init; } = 64L << 30;

    /// <summary>
    /// Whether to walk every key when opening, so that a damaged B-tree is found (and the cache rebuilt) at start
    /// rather than in the middle of a read. True by default.
    /// </summary>
    public bool VerifyOnOpen { get; init; } = true;

    /// <summary>How long the structural probe of an existing file (in a child process) may take before the file counts as damaged.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock that stamps the name a damaged file is moved aside to (<c>data.mdb.damaged-…</c>).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Skips the fsync at each commit: a machine crash may lose recent cache writes, never the log's data.</summary>
    public bool NoSync { get; init; } = true;
}
