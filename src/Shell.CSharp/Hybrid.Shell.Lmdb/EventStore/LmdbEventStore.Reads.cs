using System.Runtime.CompilerServices;
using Hybrid.Shell.Stores;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

// Reads: each in one read-only transaction, a consistent snapshot of the log; none waits for the writer.
public sealed partial class LmdbEventStore
{
    /// <inheritdoc />
    public Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, [], view => view.Select(query)));
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct)
    {
        StoreInput.StreamRead(tenant, read);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, [], view => view.ReadStream(read)));
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, [], view => view.TryGetPosition(id, out var position) ? new[] { view.EventAt(position) } : []));
    }

    /// <inheritdoc />
    public Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, new StreamState(0, 0), view => view.StateOf(stream)));
    }

    /// <inheritdoc />
    public Task<long> GetHead(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(InTenant(tenant, 0L, view => view.Head.Position));
    }

    /// <inheritdoc />
    public Task<string[]> GetTenants(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(_env.Read((tx, dbs) =>
        {
            var txn = new StoreTxn(tx, dbs, _env.DataFile, tails: _tails);
            return txn.TenantNames().Values.Where(name => txn.Tenant(name)!.Head.Position > 0).Order(StringComparer.Ordinal).ToArray();
        }));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        // Checked here, not at the first MoveNextAsync: bad input fails the call that made it, as on every store.
        StoreInput.Query(tenant, query);
        return Following(tenant, query, ct).UntilCancelled(ct);
    }

    private async IAsyncEnumerable<SubscriptionMessage> Following(string tenant, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var batchSize = Math.Max(1, _options.SubscriptionBatchSize);
        var position = query.After;
        var caughtUp = false;
        while (!ct.IsCancellationRequested)
        {
            var changed = _signals.Next(tenant);
            var (batch, head) = InTenant(tenant, ([], 0L), view =>
                (view.Select(new EventQuery(query.Items, position, long.MaxValue, Direction.Forward, batchSize)), view.Head.Position));
            foreach (var e in batch) yield return SubscriptionMessage.NewEvent(e);
            // A subscription may start beyond the head: it then waits there, never moving back.
            if (batch.Length == batchSize)
            {
                position = batch[^1].Position;
                continue;
            }
            position = Math.Max(position, head);
            if (!caughtUp)
            {
                caughtUp = true;
                yield return SubscriptionMessage.NewCaughtUp(position);
            }
            try { await changed.WaitAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private T InTenant<T>(string tenant, T none, Func<TenantView, T> read) => _env.Read((tx, dbs) =>
        new StoreTxn(tx, dbs, _env.DataFile, tails: _tails).Tenant(tenant) is { } view ? read(view) : none);
}
