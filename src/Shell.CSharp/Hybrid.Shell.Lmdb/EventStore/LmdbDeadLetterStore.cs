using System.Buffers.Binary;
using System.Text;
using Hybrid.Shell.Stores;
using LightningDB;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Dead letters in the embedded store's file, one per (tenant, processor, position), written by its writer.</summary>
public sealed class LmdbDeadLetterStore(LmdbEventStore store) : IDeadLetterStore
{
    /// <inheritdoc />
    public Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        deadLetter = StoreInput.DeadLetter(deadLetter);
        return store.Writer.Enqueue(txn =>
        {
            var tenant = txn.TenantForWrite(deadLetter.Tenant);
            var w = new RecordWriter(128);
            w.Guid(deadLetter.EventId);
            w.String(deadLetter.EventType ?? "");
            w.String(deadLetter.Error ?? "");
            w.Int32(deadLetter.Attempts);
            w.Int64(deadLetter.FailedAt.UtcTicks);
            w.Byte((byte)deadLetter.Status);
            txn.Put(txn.Dbs.DeadLetters, StoreKeys.DeadLetter(tenant.Number, deadLetter.Processor, deadLetter.Position), w.Written);
            return 0;
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        StoreInput.DeadLetterFilter(tenant, processor);
        return Task.FromResult(store.Environment.Read((tx, dbs) => ListIn(tx, dbs, tenant, processor)));
    }

    private DeadLetter[] ListIn(LightningTransaction tx, Databases dbs, string? tenant, string? processor)
    {
        var txn = new StoreTxn(tx, dbs, store.DataFile);
        var names = txn.TenantNames();
        var letters = new List<DeadLetter>();
        using var cursor = tx.CreateCursor(dbs.DeadLetters);
        var (code, key, value) = cursor.First();
        while (code == MDBResultCode.Success)
        {
            var k = key.AsSpan();
            var letter = Decode(txn, k, value.AsSpan(), names);
            if ((tenant is null || letter.Tenant == tenant) && (processor is null || letter.Processor == processor)) letters.Add(letter);
            (code, key, value) = cursor.Next();
        }
        return letters.OrderBy(d => d.Tenant, StringComparer.Ordinal).ThenBy(d => d.Processor, StringComparer.Ordinal).ThenBy(d => d.Position).ToArray();
    }

    /// <inheritdoc />
    public Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        return Task.FromResult(store.Environment.Read((tx, dbs) =>
        {
            var txn = new StoreTxn(tx, dbs, store.DataFile);
            if (txn.Tenant(tenant) is not { } view) return FSharpOption<DeadLetter>.None;
            var key = StoreKeys.DeadLetter(view.Number, processor, position);
            var (code, _, value) = tx.Get(dbs.DeadLetters, key);
            return code == MDBResultCode.Success
                ? FSharpOption<DeadLetter>.Some(Decode(txn, key, value.AsSpan(), new Dictionary<uint, string> { [view.Number] = tenant }))
                : FSharpOption<DeadLetter>.None;
        }));
    }

    private static DeadLetter Decode(StoreTxn txn, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Dictionary<uint, string> tenants)
    {
        var payload = txn.Open(txn.Dbs.DeadLetters, key, value);
        try
        {
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(key[4..]);
            var processor = Encoding.UTF8.GetString(key.Slice(6, nameLength));
            var r = new RecordReader(payload);
            return new DeadLetter(tenants[StoreKeys.TenantOf(key)], processor, StoreKeys.Last(key), r.Guid(), r.String(), r.String(), r.Int32(),
                new DateTimeOffset(r.Int64(), TimeSpan.Zero), (DeadLetterStatus)r.Byte());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or KeyNotFoundException)
        {
            throw txn.Damaged(txn.Dbs.DeadLetters, key, $"a dead letter is malformed ({e.Message})");
        }
    }
}
