using Hybrid.Shell.ReadModels;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The framework's <see cref="ReadModelEngine"/> on the simulation's store and virtual clock (L1 only: an L2's
/// background write-back would not be deterministic). Losing the cache makes the next reads rebuild from the log.
/// </summary>
public sealed class ReadModelRunner(SimulationContext context)
{
    /// <summary>The engine: also the query processor's read-model views.</summary>
    public ReadModelEngine Engine { get; } = new(context.Store, context.ReadModels, cache: null,
        new ReadModelEngineOptions { MemoryTimeToLive = TimeSpan.FromDays(3650) }, context.Clock);

    /// <summary>The model's whole view for the tenant, consistent with the log up to its position.</summary>
    public ReadModelView Read(string tenant, string model)
    {
        context.Stats.ReadModelReads++;
        return SimulationContext.Sync(Engine.Read(tenant, model, "", CancellationToken.None));
    }

    /// <summary>Forgets every cached state (a lost cache).</summary>
    public void Clear() => Engine.ClearMemoryCache();
}
