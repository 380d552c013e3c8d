using Hybrid.Shell.Stores;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Processor pauses, kept in the leases database under <c>pause/</c> keys (which lease listings skip): the key holds
/// the processor's name with its length, so names with any characters stay apart, and the record holds both names and
/// when it was paused.
/// </summary>
public sealed partial class LmdbLeaseStore
{
    private static readonly byte[] PausePrefix = StoreKeys.Utf8("pause/");

    /// <inheritdoc />
    public Task<bool> Pause(string processor, string tenant, CancellationToken ct)
    {
        var key = PauseKey(processor, tenant);
        return store.Writer.Enqueue(txn =>
        {
            if (txn.TryGet(txn.Dbs.Leases, key, out _)) return false;
            var w = new RecordWriter(64);
            w.String(processor);
            w.String(tenant);
            w.Int64(_clock.GetUtcNow().UtcTicks);
            txn.Put(txn.Dbs.Leases, key, w.Written);
            return true;
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<bool> Resume(string processor, string tenant, CancellationToken ct)
    {
        var key = PauseKey(processor, tenant);
        return store.Writer.Enqueue(txn =>
        {
            if (!txn.TryGet(txn.Dbs.Leases, key, out _)) return false;
            txn.Tx.Delete(txn.Dbs.Leases, key);
            return true;
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<ProcessorPause[]> Pauses(CancellationToken ct) =>
        Task.FromResult(store.Environment.Read((tx, dbs) =>
        {
            var txn = new StoreTxn(tx, dbs, store.DataFile);
            var pauses = new List<ProcessorPause>();
            using var cursor = tx.CreateCursor(dbs.Leases);
            var (code, key, value) = cursor.SeekRange(PausePrefix);
            while (code == MDBResultCode.Success && key.AsSpan().StartsWith(PausePrefix))
            {
                var r = new RecordReader(txn.Open(dbs.Leases, key.AsSpan(), value.AsSpan()));
                pauses.Add(new ProcessorPause(r.String(), r.String(), new DateTimeOffset(r.Int64(), TimeSpan.Zero)));
                (code, key, value) = cursor.Next();
            }
            return pauses.OrderBy(p => p.Processor, StringComparer.Ordinal).ThenBy(p => p.Tenant, StringComparer.Ordinal).ToArray();
        }));

    private static byte[] PauseKey(string processor, string tenant)
    {
        StoreInput.ProcessorPause(processor, tenant);
        return StoreKeys.Utf8($"pause/{processor.Length}:{processor}/{tenant}");
    }
}
