// How long and how big each benchmark is in each mode.
namespace Hybrid.Bench;

/// <summary>
/// Durations and sizes of a run. LogEvents is the tenant log that the DCB appends condition over, that pg.read.all
/// reads and that readmodel.rebuild folds (issue 9 asks for at least 200,000 for DCB and 1,000,000 for rebuilds).
/// </summary>
public sealed record BenchSizes(
    TimeSpan Warmup,
    TimeSpan Measure,
    int LogEvents,
    int MemoryEvents,
    int LmdbEntries,
    int LatencySamples,
    int SegmentedEntities,
    int ProcessorSamples,
    int SimulationSteps,
    int ContentionRounds)
{
    /// <summary>The sizes of a mode.</summary>
    public static BenchSizes Of(BenchMode mode) => mode switch
    {
        BenchMode.Tiny => new(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(150),
            LogEvents: 2_000, MemoryEvents: 20_000,
            LmdbEntries: 1_000, LatencySamples: 2_000, SegmentedEntities: 1_000, ProcessorSamples: 10, SimulationSteps: 1_000, ContentionRounds: 1),
        BenchMode.Quick => new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3),
            LogEvents: 200_000, MemoryEvents: 1_000_000,
            LmdbEntries: 100_000, LatencySamples: 200_000, SegmentedEntities: 100_000, ProcessorSamples: 200, SimulationSteps: 30_000, ContentionRounds: 10),
        _ => new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10),
            LogEvents: 1_000_000, MemoryEvents: 5_000_000,
            LmdbEntries: 1_000_000, LatencySamples: 1_000_000, SegmentedEntities: 100_000, ProcessorSamples: 1_000, SimulationSteps: 100_000, ContentionRounds: 30),
    };
}
