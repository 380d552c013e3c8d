namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Settings of the embedded event store.</summary>
public sealed record LmdbEventStoreOptions
{
    /// <summary>The directory holding the store's data.mdb and lock.mdb (created when missing).</summary>
    public required string Directory { get; init; }

    /// <summary>The first map size in bytes; the map doubles whenever it is full, up to <see cref="MaxMapSize"/>. 64 MiB by default.</summary>
    public long InitialMapSize { get; init; } = 64L << 20;

    /// <summary>The largest the store may grow to, in bytes; a write beyond it fails with <see cref="LmdbStoreFullException"/>. 256 GiB by default.</summary>
    public long MaxMapSize { get; init; } = 256L << 30;

    /// <summary>The clock that stamps events and times leases.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Input limits checked before anything is queued.</summary>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The most events one group commit carries; an append larger than this still commits (alone).</summary>
    public int MaxEventsPerCommit { get; init; } = 10_000;

    /// <summary>
    /// Whether every commit is synced to disk before it is acknowledged (true by default). False is for tests and
    /// throwaway data: a machine crash may then lose acknowledged appends, never the file's consistency.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// Whether opening checks the whole file first: a structural probe in a child process (so a damaged page cannot
    /// crash this one) and every record's checksum. True by default; the time grows with the store's size.
    /// </summary>
    public bool VerifyOnOpen { get; init; } = true;

    /// <summary>How long the structural probe may take before the file is reported as unreadable.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many of a tenant's latest events may wait for their index entries (ids, stream versions, type and tag
    /// postings): an append writes its events, and the one that brings the waiting events to this many writes all their
    /// index entries at once. Reads and conditions see the waiting events from memory; a restart indexes them when the
    /// store opens. 64 by default; 1 indexes every append in its own transaction (more pages per single append).
    /// </summary>
    public int IndexTailLength { get; init; } = 64;

    /// <summary>The largest <see cref="IndexTailLength"/> allowed.</summary>
    public const int LongestIndexTail = 4096;

    /// <summary>How many events a subscription reads at a time while catching up.</summary>
    public int SubscriptionBatchSize { get; init; } = 512;
}
