using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>Leases in the node's PostgreSQL database, used once its store is open (migrated): until then a 503.</summary>
internal sealed class GatedLeaseStore(PostgresStoreGate gate, ILeaseStore inner) : ILeaseStore, IAsyncDisposable
{
    public async Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.TryAcquire(resource, owner, duration, ct).ConfigureAwait(false);
    }

    public async Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Renew(lease, duration, ct).ConfigureAwait(false);
    }

    public async Task Release(Lease lease, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        await inner.Release(lease, ct).ConfigureAwait(false);
    }

    public async Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.List(prefix, ct).ConfigureAwait(false);
    }

    public async Task<int> ForgetNodes(TimeSpan goneFor, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.ForgetNodes(goneFor, ct).ConfigureAwait(false);
    }

    public async Task<bool> Pause(string processor, string tenant, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Pause(processor, tenant, ct).ConfigureAwait(false);
    }

    public async Task<bool> Resume(string processor, string tenant, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Resume(processor, tenant, ct).ConfigureAwait(false);
    }

    public async Task<ProcessorPause[]> Pauses(CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.Pauses(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
