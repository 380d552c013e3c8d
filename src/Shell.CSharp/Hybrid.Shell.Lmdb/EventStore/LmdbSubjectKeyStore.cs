using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Crypto-shredding keys in the embedded store's file (the <c>subject-keys</c> database, keyed by tenant number and
/// subject, each value checksummed like every record), written by the store's writer: a key is added and forgotten in
/// a synced commit (durable unless the store runs with <c>Durable = false</c>), and a backup of the store carries them.
/// Tenants never read each other's keys: every key starts with its tenant's number.
/// </summary>
public sealed class LmdbSubjectKeyStore(LmdbEventStore store) : ISubjectKeyStore
{
    /// <inheritdoc />
    public Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        ArgumentNullException.ThrowIfNull(candidate);
        if (Find(tenant, subject) is { } known) return Task.FromResult(known);
        return store.Writer.Enqueue(txn =>
        {
            var key = StoreKeys.TenantString(txn.TenantForWrite(tenant).Number, subject);
            if (txn.TryGet(txn.Dbs.SubjectKeys, key, out var existing)) return existing.ToArray();
            txn.Put(txn.Dbs.SubjectKeys, key, candidate);
            return candidate;
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        return Task.FromResult(Find(tenant, subject)!);
    }

    /// <inheritdoc />
    public Task<bool> Forget(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        return store.Writer.Enqueue(txn =>
        {
            if (txn.Tenant(tenant) is not { } view) return false;
            var key = StoreKeys.TenantString(view.Number, subject);
            if (!txn.TryGet(txn.Dbs.SubjectKeys, key, out _)) return false;
            txn.Tx.Delete(txn.Dbs.SubjectKeys, key);
            return true;
        }, 0, null);
    }

    private byte[]? Find(string tenant, string subject) => store.Environment.Read((tx, dbs) =>
    {
        var txn = new StoreTxn(tx, dbs, store.DataFile);
        if (txn.Tenant(tenant) is not { } view) return null;
        return txn.TryGet(dbs.SubjectKeys, StoreKeys.TenantString(view.Number, subject), out var payload) ? payload.ToArray() : null;
    });
}
