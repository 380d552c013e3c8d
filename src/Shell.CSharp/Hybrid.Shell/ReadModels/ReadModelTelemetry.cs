using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// The read-model caches' counters on the <see cref="Telemetry.HybridTelemetry.ReadModels"/> meter, observed from
/// <see cref="ReadModelEngine.Statistics"/> and summed over the live engines of the process:
/// <c>hybrid.read_model.cache.hits</c> and <c>hybrid.read_model.cache.misses</c> (tagged <c>hybrid.cache_level</c>:
/// <c>memory</c> for L1, <c>store</c> for the L2 cache such as LMDB) and <c>hybrid.read_model.events_folded</c>. No
/// tenant or model label: the statistics are the engine's, and a tenant is an unbounded label.
/// </summary>
internal static class ReadModelTelemetry
{
    private static readonly ConditionalWeakTable<ReadModelEngine, object> Engines = new();
    private static readonly Meter Meter = new(Telemetry.HybridTelemetry.ReadModels);

    static ReadModelTelemetry()
    {
        Meter.CreateObservableCounter("hybrid.read_model.cache.hits", () => ByLevel(s => s.L1Hits, s => s.L2Hits), "{lookup}",
            "Read-model instances found in a cache, by level.");
        Meter.CreateObservableCounter("hybrid.read_model.cache.misses", () => ByLevel(s => s.L1Misses, s => s.L2Misses), "{lookup}",
            "Read-model instances not found in a cache, by level.");
        Meter.CreateObservableCounter("hybrid.read_model.events_folded", () => Sum(s => s.EventsFolded), "{event}",
            "Events folded into read-model instances.");
    }

    /// <summary>Observes the engine until it is <see cref="Forget">forgotten</see> or collected.</summary>
    public static void Observe(ReadModelEngine engine) => Engines.AddOrUpdate(engine, Engines);

    /// <summary>Stops observing a disposed engine.</summary>
    public static void Forget(ReadModelEngine engine) => Engines.Remove(engine);

    private static long Sum(Func<ReadModelCacheStatistics, long> of)
    {
        long total = 0;
        foreach (var (engine, _) in Engines) total += of(engine.Statistics);
        return total;
    }

    private static Measurement<long>[] ByLevel(Func<ReadModelCacheStatistics, long> memory, Func<ReadModelCacheStatistics, long> store) =>
    [
        new(Sum(memory), new KeyValuePair<string, object?>("hybrid.cache_level", "memory")),
        new(Sum(store), new KeyValuePair<string, object?>("hybrid.cache_level", "store")),
    ];
}
