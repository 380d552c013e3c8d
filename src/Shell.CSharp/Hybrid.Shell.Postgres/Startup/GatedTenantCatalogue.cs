namespace Hybrid.Shell.Postgres.Startup;

/// <summary>The tenant catalogue in the node's PostgreSQL database, used once its store is open (migrated): until then a 503.</summary>
internal sealed class GatedTenantCatalogue(PostgresStoreGate gate, ITenantCatalogue inner) : ITenantCatalogue, IAsyncDisposable
{
    public async Task<bool> Register(string tenant, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Register(tenant, ct).ConfigureAwait(false);
    }

    public async Task<TenantEntry[]> List(CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.List(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
