using System.Buffers.Binary;
using Hybrid.Shell.Stores;
using LightningDB;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// Leases in the embedded store's file, timed by its clock, changed by its writer (so grants serialize). A released
/// or expired lease keeps its fencing token, and the next grant increments it. For one process: the store is held by
/// one process, so its leases only arbitrate among that process's hosts.
/// </summary>
public sealed partial class LmdbLeaseStore(LmdbEventStore store) : ILeaseStore
{
    private readonly TimeProvider _clock = store.Options.Clock;

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.LeaseRequest(resource, owner, duration);
        return store.Writer.Enqueue(txn =>
        {
            var now = _clock.GetUtcNow();
            var key = StoreKeys.Utf8(resource);
            var held = Read(txn, key, resource);
            if (held is not null && held.ExpiresAt > now && held.Owner != owner) return FSharpOption<Lease>.None;
            var token = held is not null && held.Owner == owner && held.ExpiresAt > now ? held.FencingToken : (held?.FencingToken ?? 0) + 1;
            var lease = new Lease(resource, owner, token, now + duration);
            Write(txn, key, lease);
            return FSharpOption<Lease>.Some(lease);
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.Lease(lease, duration);
        return store.Writer.Enqueue(txn =>
        {
            var now = _clock.GetUtcNow();
            var key = StoreKeys.Utf8(lease.Resource);
            var held = Read(txn, key, lease.Resource);
            if (held is null || held.FencingToken != lease.FencingToken || held.Owner != lease.Owner || held.ExpiresAt <= now)
                return FSharpOption<Lease>.None;
            var renewed = new Lease(held.Resource, held.Owner, held.FencingToken, now + duration);
            Write(txn, key, renewed);
            return FSharpOption<Lease>.Some(renewed);
        }, 0, null);
    }

    /// <inheritdoc />
    public Task Release(Lease lease, CancellationToken ct)
    {
        StoreInput.Lease(lease);
        return store.Writer.Enqueue(txn =>
        {
            var key = StoreKeys.Utf8(lease.Resource);
            var held = Read(txn, key, lease.Resource);
            if (held is not null && held.FencingToken == lease.FencingToken && held.Owner == lease.Owner)
                Write(txn, key, new Lease(held.Resource, held.Owner, held.FencingToken, DateTimeOffset.MinValue));
            return 0;
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var now = _clock.GetUtcNow();
        return Task.FromResult(store.Environment.Read((tx, dbs) =>
        {
            var txn = new StoreTxn(tx, dbs, store.DataFile);
            var leases = new List<Lease>();
            using var cursor = tx.CreateCursor(dbs.Leases);
            var start = StoreKeys.Utf8(prefix);
            var (code, key, value) = cursor.SeekRange(start);
            while (code == MDBResultCode.Success && key.AsSpan().StartsWith(start))
            {
                if (key.AsSpan().StartsWith(PausePrefix))
                {
                    (code, key, value) = cursor.Next();
                    continue;
                }
                var lease = Decode(txn.Open(dbs.Leases, key.AsSpan(), value.AsSpan()), System.Text.Encoding.UTF8.GetString(key.AsSpan()));
                if (lease.ExpiresAt > now) leases.Add(lease);
                (code, key, value) = cursor.Next();
            }
            return leases.ToArray();
        }));
    }

    /// <inheritdoc />
    public Task<int> ForgetNodes(TimeSpan goneFor, CancellationToken ct) =>
        store.Writer.Enqueue(txn =>
        {
            var before = _clock.GetUtcNow() - goneFor;
            var start = StoreKeys.Utf8(Leasing.nodePrefix);
            var gone = new List<byte[]>();
            using (var cursor = txn.Tx.CreateCursor(txn.Dbs.Leases))
            {
                var (code, key, value) = cursor.SeekRange(start);
                while (code == MDBResultCode.Success && key.AsSpan().StartsWith(start))
                {
                    var lease = Decode(txn.Open(txn.Dbs.Leases, key.AsSpan(), value.AsSpan()), System.Text.Encoding.UTF8.GetString(key.AsSpan()));
                    if (lease.ExpiresAt < before) gone.Add(key.AsSpan().ToArray());
                    (code, key, value) = cursor.Next();
                }
            }
            foreach (var key in gone) txn.Tx.Delete(txn.Dbs.Leases, key);
            return gone.Count;
        }, 0, null);

    private static Lease? Read(StoreTxn txn, byte[] key, string resource) =>
        txn.TryGet(txn.Dbs.Leases, key, out var payload) ? Decode(payload, resource) : null;

    private static void Write(StoreTxn txn, byte[] key, Lease lease)
    {
        var w = new RecordWriter(64);
        w.Int64(lease.FencingToken);
        w.Int64(lease.ExpiresAt.UtcTicks);
        w.String(lease.Owner);
        txn.Put(txn.Dbs.Leases, key, w.Written);
    }

    private static Lease Decode(ReadOnlySpan<byte> payload, string resource)
    {
        var r = new RecordReader(payload);
        var token = r.Int64();
        var ticks = r.Int64();
        return new Lease(resource, r.String(), token, new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
