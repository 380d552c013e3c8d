namespace Hybrid.Shell.ReadModels;

/// <summary>Settings of the read-model engine: L1 size and TTL, write-back bounds, batch size and progress.</summary>
public sealed record ReadModelEngineOptions
{
    /// <summary>How many instances the in-process L1 cache holds at most. 10,000 by default.</summary>
    public int MemoryCapacity { get; set; } = 10_000;

    /// <summary>How long an L1 entry lives after it was written, on the engine's TimeProvider. 10 minutes by default.</summary>
    public TimeSpan MemoryTimeToLive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An instance is written back to L2 once it has folded this many events since its last write. 1,000 by default.</summary>
    public int WriteBackAfterEvents { get; set; } = 1_000;

    /// <summary>An instance is written back to L2 at the latest this long after its first unwritten change. 2 s by default.</summary>
    public TimeSpan WriteBackAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many instances wait for write-back; one more flushes them all. 1,000 by default.</summary>
    public int MaxPendingWriteBacks { get; set; } = 1_000;

    /// <summary>How many events a fold reads from the log per round trip. 4,096 by default.</summary>
    public int ReadBatchSize { get; set; } = 4_096;

    /// <summary>How often ReadAtLeast asks the log for its head while waiting. 20 ms by default.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Receives progress of long folds (rebuilds and catch-ups longer than one batch).</summary>
    public IProgress<ReadModelRebuildProgress>? Progress { get; set; }
}

/// <summary>How far a long fold has come.</summary>
/// <param name="Key">The instance being folded.</param>
/// <param name="Position">The last position read so far.</param>
/// <param name="Target">The position the fold runs up to.</param>
/// <param name="EventsFolded">The events read so far by this fold.</param>
/// <param name="Done">True on the last report of the fold.</param>
public sealed record ReadModelRebuildProgress(ReadModelKey Key, long Position, long Target, long EventsFolded, bool Done);
