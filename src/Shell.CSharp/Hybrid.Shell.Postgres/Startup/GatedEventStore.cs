using System.Runtime.CompilerServices;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>
/// The node's event store while its PostgreSQL store may not be open yet: each call opens it first (or fails with a
/// <see cref="StoreUnavailableException"/>, a 503), then passes through. The gate, a singleton of the container, owns
/// and disposes the store. Input is checked first, as the store checks it, so a caller's mistake is reported as such
/// (not as a 503) while the store is not open.
/// </summary>
internal sealed class GatedEventStore(PostgresStoreGate gate) : IEventStore, IEventByIdReader, IEventPurger
{
    public async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        // Once the store is open it checks the request itself: the body scan is not run twice on every append.
        if (!gate.IsOpen) AppendModule.validateOrThrow(gate.Limits, request);
        return await (await gate.Open(ct).ConfigureAwait(false)).Append(request, ct).ConfigureAwait(false);
    }

    public async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        return await (await gate.Open(ct).ConfigureAwait(false)).Read(tenant, query, ct).ConfigureAwait(false);
    }

    public async Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct)
    {
        StoreInput.StreamRead(tenant, read);
        return await (await gate.Open(ct).ConfigureAwait(false)).ReadStream(tenant, read, ct).ConfigureAwait(false);
    }

    public async Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        return await (await gate.Open(ct).ConfigureAwait(false)).ReadById(tenant, id, ct).ConfigureAwait(false);
    }

    public async Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        return await (await gate.Open(ct).ConfigureAwait(false)).GetStreamState(tenant, stream, ct).ConfigureAwait(false);
    }

    public async Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        StoreInput.Expected(tenant, "expected", expected);
        return await (await gate.Open(ct).ConfigureAwait(false)).DeleteStream(tenant, stream, expected, ct).ConfigureAwait(false);
    }

    public async Task<long> GetHead(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        return await (await gate.Open(ct).ConfigureAwait(false)).GetHead(tenant, ct).ConfigureAwait(false);
    }

    public async Task<string[]> GetTenants(CancellationToken ct) =>
        await (await gate.Open(ct).ConfigureAwait(false)).GetTenants(ct).ConfigureAwait(false);

    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        return SubscribeWhenOpen(tenant, query, ct).UntilCancelled(ct);
    }

    /// <summary>
    /// A subscription outlives the store's not being open yet as it outlives an outage once open: it waits for the
    /// store (retrying every reconnect delay) instead of failing, so a processor's wake-ups start with the store.
    /// </summary>
    private async IAsyncEnumerable<SubscriptionMessage> SubscribeWhenOpen(string tenant, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        PostgresEventStore store;
        while (true)
        {
            try
            {
                store = await gate.Open(ct).ConfigureAwait(false);
                break;
            }
            catch (StoreUnavailableException) when (!ct.IsCancellationRequested)
            {
                await gate.WaitBeforeRetry(ct).ConfigureAwait(false);
            }
        }
        await foreach (var message in store.Subscribe(tenant, query, ct).WithCancellation(ct).ConfigureAwait(false)) yield return message;
    }

    public async Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        return await (await gate.Open(ct).ConfigureAwait(false)).ReadCheckpoint(tenant, processor, ct).ConfigureAwait(false);
    }

    public async Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct)
    {
        StoreInput.Claim(tenant, processor, fencingToken);
        return await (await gate.Open(ct).ConfigureAwait(false)).ClaimCheckpoint(tenant, processor, fencingToken, ct).ConfigureAwait(false);
    }

    public async Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct)
    {
        StoreInput.CheckpointWrite(tenant, write);
        return await (await gate.Open(ct).ConfigureAwait(false)).WriteCheckpoint(tenant, write, ct).ConfigureAwait(false);
    }

    public async Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        StoreInput.Position(tenant, "position", position);
        await (await gate.Open(ct).ConfigureAwait(false)).ResetCheckpoint(tenant, processor, position, ct).ConfigureAwait(false);
    }

    public async Task<PurgeResult> Purge(PurgeRequest request, CancellationToken ct)
    {
        Purging.validateOrThrow(request);
        return await (await gate.Open(ct).ConfigureAwait(false)).Purge(request, ct).ConfigureAwait(false);
    }
}
