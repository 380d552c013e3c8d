namespace Hybrid.Shell.Operations;

/// <summary>Read models: rebuild one instance online.</summary>
public sealed partial class HybridOperations
{
    /// <summary>
    /// Drops a read model's instance (tenant and scope; "" for a whole monolithic model) from both caches and folds it
    /// again from the start of the log while readers keep being served; returns the position it was folded to.
    /// </summary>
    public async Task<long> RebuildReadModel(string tenant, string model, string scope, CancellationToken ct)
    {
        await KnownTenant(tenant, ct);
        if (!readModels.Knows(model))
            throw new OperationRefusedException(OperationRefusal.UnknownReadModel,
                $"No read model is named '{model}'; known: {(ReadModels.Count == 0 ? "none" : string.Join(", ", ReadModels.Select(m => m.Name)))}.");
        try { return (await readModels.Rebuild(tenant, model, scope, ct)).Position; }
        catch (Exception e) when (e is ArgumentException or InvalidInputException) { throw Invalid(e.Message); }
    }
}
