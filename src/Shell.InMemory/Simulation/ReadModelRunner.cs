using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The simulation's read-model engine until the real one runs here: each (tenant, model) keeps its state and the
/// log position it folded up to, and a read folds only the events after it. Losing the cache rebuilds from the log.
/// </summary>
public sealed class ReadModelRunner(SimulationContext context)
{
    private readonly Dictionary<(string Tenant, string Model), (object State, long Position)> _cache = [];

    /// <summary>The model's state for the tenant, consistent with the log up to the returned position.</summary>
    public (object State, long Position) Read(string tenant, SimulatedReadModel model)
    {
        var (state, position) = _cache.TryGetValue((tenant, model.Name), out var cached) ? cached : (model.Initial, 0L);
        var head = SimulationContext.Sync(context.Store.GetHead(tenant, CancellationToken.None));
        if (head > position)
        {
            var query = EventQuery.OfTypes(model.EventTypes).AfterPosition(position);
            query = new EventQuery(query.Items, query.After, head + 1, Direction.Forward, 0);
            foreach (var e in SimulationContext.Sync(context.Store.Read(tenant, query, CancellationToken.None)))
                state = model.Evolve.Invoke(state).Invoke(e);
            position = head;
        }
        _cache[(tenant, model.Name)] = (state, position);
        context.Stats.ReadModelReads++;
        return (state, position);
    }

    /// <summary>The state of the model named, for the tenant.</summary>
    public (object State, long Position) Read(string tenant, string model) =>
        Read(tenant, context.Application.ReadModels.Single(m => m.Name == model));

    /// <summary>Forgets every cached state (a lost cache); the next reads rebuild from the log.</summary>
    public void Clear() => _cache.Clear();
}
