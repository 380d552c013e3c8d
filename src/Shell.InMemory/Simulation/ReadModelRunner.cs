using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The framework's <see cref="ReadModelEngine"/> on the simulation's store and virtual clock, with an LMDB second-level
/// cache when <see cref="SimulationOptions.ReadModelCacheDirectory"/> is set (its write-back timer runs on the virtual
/// clock, so it stays deterministic). Losing the cache empties L1: the next reads come from L2, or from the log.
/// </summary>
public sealed class ReadModelRunner : IDisposable
{
    private readonly SimulationContext _context;
    private readonly LmdbReadModelStore? _l2;

    /// <summary>The read models of the context's application, cached as its options say.</summary>
    public ReadModelRunner(SimulationContext context)
    {
        _context = context;
        if (context.Options.ReadModelCacheDirectory is { } directory) _l2 = new LmdbReadModelStore(directory);
        Engine = new ReadModelEngine(context.Store, context.ReadModels, _l2,
            new ReadModelEngineOptions { MemoryTimeToLive = TimeSpan.FromDays(3650), WriteBackAfterEvents = 64 }, context.Clock);
    }

    /// <summary>The engine: also the query processor's read-model views.</summary>
    public ReadModelEngine Engine { get; }

    /// <summary>The model's whole view for the tenant, consistent with the log up to its position.</summary>
    public ReadModelView Read(string tenant, string model)
    {
        _context.Stats.ReadModelReads++;
        return SimulationContext.Sync(Engine.Read(tenant, model, "", CancellationToken.None));
    }

    /// <summary>Forgets every state cached in memory (a lost L1).</summary>
    public void Clear() => Engine.ClearMemoryCache();

    /// <summary>Writes back what waits, then closes the LMDB environment.</summary>
    public void Dispose()
    {
        Engine.Dispose();
        _l2?.Dispose();
    }
}
