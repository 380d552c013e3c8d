namespace Hybrid.Shell.ReadModels;

/// <summary>What the read-model caches have done since the engine started.</summary>
/// <param name="L1Hits">Reads answered from an L1 entry (after folding newer events into it when there were any).</param>
/// <param name="L1Misses">Reads whose instance was not in L1.</param>
/// <param name="L1Evictions">L1 entries evicted by size or age.</param>
/// <param name="L1Size">L1 entries now.</param>
/// <param name="L2Hits">L1 misses found in L2 (or waiting for write-back).</param>
/// <param name="L2Misses">L1 misses not found in L2: folded from the start of the log.</param>
/// <param name="DamagedEntries">L2 entries found unreadable, dropped and rebuilt.</param>
/// <param name="EventsFolded">Events read from the log and folded.</param>
/// <param name="WriteBacks">Instance writes to L2.</param>
/// <param name="BytesWrittenBack">Bytes the write-backs wrote to L2.</param>
/// <param name="PendingWriteBacks">Instances waiting for write-back now.</param>
public sealed record ReadModelCacheStatistics(
    long L1Hits,
    long L1Misses,
    long L1Evictions,
    int L1Size,
    long L2Hits,
    long L2Misses,
    long DamagedEntries,
    long EventsFolded,
    long WriteBacks,
    long BytesWrittenBack,
    int PendingWriteBacks);
