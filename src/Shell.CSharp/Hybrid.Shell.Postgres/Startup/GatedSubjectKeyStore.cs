namespace Hybrid.Shell.Postgres.Startup;

/// <summary>Crypto-shredding subject keys in the node's PostgreSQL database, used once its store is open (migrated): until then a 503.</summary>
internal sealed class GatedSubjectKeyStore(PostgresStoreGate gate, ISubjectKeyStore inner) : ISubjectKeyStore, IAsyncDisposable
{
    public async Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.GetOrAdd(tenant, subject, candidate, ct).ConfigureAwait(false);
    }

    public async Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.TryGet(tenant, subject, ct).ConfigureAwait(false);
    }

    public async Task<bool> Forget(string tenant, string subject, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Forget(tenant, subject, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
