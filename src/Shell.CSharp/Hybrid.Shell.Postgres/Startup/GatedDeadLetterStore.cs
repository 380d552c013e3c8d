using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>Dead letters in the node's PostgreSQL database, used once its store is open (migrated): until then a 503.</summary>
internal sealed class GatedDeadLetterStore(PostgresStoreGate gate, IDeadLetterStore inner) : IDeadLetterStore, IAsyncDisposable
{
    public async Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        await inner.Put(deadLetter, ct).ConfigureAwait(false);
    }

    public async Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.List(tenant!, processor!, ct).ConfigureAwait(false);
    }

    public async Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        await gate.Open(ct).ConfigureAwait(false);
        return await inner.TryGet(tenant, processor, position, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
