using System.Buffers.Binary;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// One LMDB transaction (read-only, or the writer's) with checked access: every value read is unsealed, and a value
/// that fails its checksum raises <see cref="LmdbStoreDamagedException"/> naming the database and key. The writer's
/// (<paramref name="writer"/>) keeps a cursor per database for its puts and lookups, which disposing it closes (before
/// the transaction commits or aborts); a read's is never disposed and keeps none. The writer's carries the store's
/// <see cref="IndexTails"/>, which it changes as it appends.
/// </summary>
internal sealed class StoreTxn(LightningTransaction tx, Databases dbs, string file, bool writer = false, IndexTails? tails = null) : IDisposable
{
    private static readonly byte[] NextTenantKey = StoreKeys.Utf8("next-tenant");

    public LightningTransaction Tx { get; } = tx;

    public Databases Dbs { get; } = dbs;

    public string File { get; } = file;

    /// <summary>True in the writer's transaction.</summary>
    public bool IsWriter => writer;

    /// <summary>The store's index tails (the writer's always has them), or null: a transaction then reads its tails from the log.</summary>
    public IndexTails? Tails => tails;

    /// <summary>The payload under the key; false when the key is absent.</summary>
    public bool TryGet(LightningDatabase db, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> payload)
    {
        var (code, _, value) = Tx.Get(db, key);
        return Found(db, key, code, value, out payload);
    }

    /// <summary>
    /// <see cref="TryGet"/> through the database's kept cursor in the writer's transaction (a key near the cursor's
    /// last put or lookup is found on its page, without a descent from the root); a plain lookup elsewhere.
    /// </summary>
    public bool TryGetNear(LightningDatabase db, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> payload)
    {
        if (!writer) return TryGet(db, key, out payload);
        var (code, _, value) = Cursor(db).SetKey(key);
        return Found(db, key, code, value, out payload);
    }

    private bool Found(LightningDatabase db, ReadOnlySpan<byte> key, MDBResultCode code, MDBValue value, out ReadOnlySpan<byte> payload)
    {
        if (code == MDBResultCode.NotFound)
        {
            payload = default;
            return false;
        }
        code.ThrowOnError();
        payload = Open(db, key, value.AsSpan());
        return true;
    }

    /// <summary>The payload of a value read through a cursor.</summary>
    public ReadOnlySpan<byte> Open(LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Sealed.TryOpen(key, value, out var payload) ? payload : throw Damaged(db, key, "a record fails its checksum");

    public LmdbStoreDamagedException Damaged(LightningDatabase db, ReadOnlySpan<byte> key, string problem)
    {
        var name = Dbs.NameOf(db);
        return new LmdbStoreDamagedException(File, problem, name, StoreKeyText.Describe(name, key, TenantNamesIfReadable()));
    }

    private bool _naming;

    /// <summary>Tenant names for a damage report, or null when they cannot be read (the damage may be there).</summary>
    public Dictionary<uint, string>? TenantNamesIfReadable()
    {
        if (_naming) return null;
        _naming = true;
        try { return TenantNames(); }
        catch (Exception e) when (e is LmdbStoreDamagedException or LightningException) { return null; }
        finally { _naming = false; }
    }

    private byte[] _sealing = new byte[256];

    /// <summary>Stores the payload sealed with its checksum; the sealed value is built in a buffer reused across puts (LMDB copies it).</summary>
    public void Put(LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload) =>
        Tx.Put(db, key, Seal(key, payload)).ThrowOnError();

    /// <summary>
    /// Stores the payload sealed, through a cursor kept for the database: a put whose key lands on the page of the
    /// cursor's last put (the next position of a log, the next id of a time-ordered run) skips LMDB's descent from the root.
    /// </summary>
    public void PutNear(LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload) =>
        Cursor(db).Put(key, Seal(key, payload), CursorPutOptions.None).ThrowOnError();

    /// <summary>The payload with its checksum, in the buffer reused across puts (valid until the next put).</summary>
    private Span<byte> Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload)
    {
        var size = payload.Length + Sealed.Overhead;
        if (_sealing.Length < size) _sealing = new byte[Math.Max(size, _sealing.Length * 2)];
        var value = _sealing.AsSpan(0, size);
        payload.CopyTo(value);
        Sealed.SealInPlace(key, value);
        return value;
    }

    /// <summary>Stores the payload sealed under a key that must be new (else <see cref="MDBResultCode.KeyExist"/>), through the kept cursor.</summary>
    public MDBResultCode PutNew(LightningDatabase db, ReadOnlySpan<byte> key, ReadOnlySpan<byte> payload) =>
        Cursor(db).Put(key, Seal(key, payload), CursorPutOptions.NoOverwrite);

    private (LightningDatabase Db, LightningCursor Cursor)[] _cursors = [];

    /// <summary>The writer's kept cursor of the database (closed when this transaction is disposed).</summary>
    public LightningCursor Cursor(LightningDatabase db)
    {
        if (!writer) throw new InvalidOperationException("Only the writer's transaction keeps cursors.");
        foreach (var (known, cursor) in _cursors)
            if (ReferenceEquals(known, db)) return cursor;
        var created = Tx.CreateCursor(db);
        _cursors = [.. _cursors, (db, created)];
        return created;
    }

    /// <summary>Closes the kept cursors; the transaction itself is its owner's to commit or abort.</summary>
    public void Dispose()
    {
        foreach (var (_, cursor) in _cursors) cursor.Dispose();
        _cursors = [];
    }

    /// <summary>The tenant's view, or null when the tenant has never been written.</summary>
    public TenantView? Tenant(string tenant)
    {
        var key = StoreKeys.Utf8(tenant);
        return TryGet(Dbs.Tenants, key, out var payload) ? new TenantView(this, tenant, BinaryPrimitives.ReadUInt32LittleEndian(payload)) : null;
    }

    /// <summary>The tenant's view, giving the tenant a number when it has none (in the writer's transaction only).</summary>
    public TenantView TenantForWrite(string tenant)
    {
        if (Tenant(tenant) is { } known) return known;
        var next = TryGet(Dbs.Meta, NextTenantKey, out var payload) ? BinaryPrimitives.ReadUInt32LittleEndian(payload) : 1u;
        Put(Dbs.Meta, NextTenantKey, UInt32(next + 1));
        Put(Dbs.Tenants, StoreKeys.Utf8(tenant), UInt32(next));
        return new TenantView(this, tenant, next);
    }

    /// <summary>The names of every tenant with a number, by number.</summary>
    public Dictionary<uint, string> TenantNames()
    {
        var names = new Dictionary<uint, string>();
        using var cursor = Tx.CreateCursor(Dbs.Tenants);
        var (code, key, value) = cursor.First();
        while (code == MDBResultCode.Success)
        {
            var payload = Open(Dbs.Tenants, key.AsSpan(), value.AsSpan());
            names[BinaryPrimitives.ReadUInt32LittleEndian(payload)] = System.Text.Encoding.UTF8.GetString(key.AsSpan());
            (code, key, value) = cursor.Next();
        }
        if (code != MDBResultCode.NotFound) code.ThrowOnError();
        return names;
    }

    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
