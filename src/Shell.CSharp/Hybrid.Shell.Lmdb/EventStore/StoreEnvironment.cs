using System.Text;
using LightningDB;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The event store's LMDB environment: held by one process (a lock file), checked before it is mapped, reopened with
/// a larger map when full. Reads and the writer share a gate that only reopening takes exclusively.
/// </summary>
internal sealed class StoreEnvironment : IDisposable
{
    public const string FormatKey = "format";
    /// <summary>
    /// The layout this version reads and writes. 2: no head or stream-state records (read from the log's and the
    /// versions index's last keys), versions keyed by stream name, deletions in a database of their own. 3: stream
    /// versions and postings as plain keys ([list][number]) instead of LMDB sorted duplicates (see <see cref="KeyLists"/>).
    /// 4: a tenant's latest events may wait for their index entries (the index mark in <c>indexed</c>, see
    /// <see cref="IndexTail"/>); a format-3 store is every event indexed, and is upgraded in place when opened.
    /// </summary>
    public const string Format = "hybrid-event-store/4";

    private const string UpgradableFormat = "hybrid-event-store/3";

    private readonly LmdbEventStoreOptions _options;
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private readonly FileStream _processLock;
    private LightningEnvironment _env = null!;
    private Databases _dbs = null!;
    private long _mapSize;
    private bool _disposed;

    private StoreEnvironment(LmdbEventStoreOptions options, FileStream processLock)
    {
        _options = options;
        _processLock = processLock;
        DataFile = Path.Combine(options.Directory, "data.mdb");
    }

    public string DataFile { get; }

    public long MapSize => Interlocked.Read(ref _mapSize);

    public int MapGrowths { get; private set; }

    public long MaxMapSize => _options.MaxMapSize;

    /// <summary>Opens the store in the options' directory, creating it when new; throws <see cref="LmdbStoreDamagedException"/> when the file is damaged.</summary>
    public static StoreEnvironment Open(LmdbEventStoreOptions options)
    {
        Directory.CreateDirectory(options.Directory);
        var dataFile = Path.Combine(options.Directory, "data.mdb");
        // LMDB leaves lock.mdb beside its data: without data.mdb, a store was here and its data is gone.
        if (!File.Exists(dataFile) && File.Exists(Path.Combine(options.Directory, "lock.mdb")))
            throw new LmdbStoreDamagedException(dataFile,
                "the data file is missing, though a store was here (its lock.mdb is left); restore data.mdb from a backup, or empty the directory to start a new store");
        var processLock = StoreLock.Take(options.Directory);
        var store = new StoreEnvironment(options, processLock);
        try
        {
            store.OpenChecked();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private void OpenChecked()
    {
        var existing = File.Exists(DataFile);
        if (existing)
        {
            StoreFileCheck.ThrowIfUnusable(DataFile, probe: _options.VerifyOnOpen, exclusive: true, _options.ProbeTimeout);
            _mapSize = Math.Max(_options.InitialMapSize, NextPowerOfTwo(new FileInfo(DataFile).Length));
        }
        else _mapSize = _options.InitialMapSize;
        OpenEnvironment(existing);
        if (existing && _options.VerifyOnOpen && Read((tx, dbs) => RecordCheck.FirstProblem(tx, dbs, DataFile)) is { } problem) throw problem;
        UpgradeFrom3();
    }

    private void OpenEnvironment(bool existing)
    {
        var env = new LightningEnvironment(_options.Directory, new EnvironmentConfiguration { MapSize = _mapSize, MaxDatabases = 16 });
        try
        {
            env.Open(EnvironmentOpenFlags.NoThreadLocalStorage | (_options.Durable ? EnvironmentOpenFlags.None : EnvironmentOpenFlags.NoSync));
            if (env.MaxKeySize < StoreKeys.LongestKey)
                throw new InvalidOperationException(
                    $"This LMDB build limits keys to {env.MaxKeySize} bytes; the event store needs {StoreKeys.LongestKey} for the longest ids the limits allow.");
            _dbs = existing ? OpenExisting(env) : Initialize(env);
            _env = env;
        }
        catch (LightningException e)
        {
            env.Dispose();
            throw StoreFileCheck.Refused(DataFile, e.StatusCode);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private Databases OpenExisting(LightningEnvironment env)
    {
        bool upgrade;
        using (var check = env.BeginTransaction(TransactionBeginFlags.ReadOnly))
        {
            var marker = FormatOf(check);
            if (marker is null && check.GetEntriesCount(MainOf(check)) > 0)
                throw new LmdbStoreDamagedException(DataFile,
                    "it is an LMDB file but not a Hybrid event store (no format marker): is this a read-model cache or another program's file?");
            if (marker is not null && marker != Format && marker != UpgradableFormat)
                throw new LmdbStoreDamagedException(DataFile, marker.StartsWith("hybrid-event-store/", StringComparison.Ordinal)
                    ? $"it is an event store of format '{marker}', and this version reads only '{Format}' (and upgrades '{UpgradableFormat}'); nothing was changed. " +
                      "Open it with the version of Hybrid that wrote it (this version has no in-place upgrade from that format)"
                    : $"its format is '{marker}', and this version reads '{Format}'");
            if (marker is null) return Initialize(env);
            upgrade = marker == UpgradableFormat;
        }
        using var tx = env.BeginTransaction();
        var dbs = Databases.Open(tx, create: false);
        tx.Commit().ThrowOnError();
        _upgradeFrom3 = upgrade;
        return dbs;
    }

    private bool _upgradeFrom3;

    /// <summary>Format 3 indexed every event: each tenant's index mark is its head. Run once the file is checked.</summary>
    private void UpgradeFrom3()
    {
        if (!_upgradeFrom3) return;
        using var tx = _env.BeginTransaction();
        var dbs = _dbs;
        var txn = new StoreTxn(tx, dbs, DataFile);
        foreach (var name in txn.TenantNames().Values)
        {
            var view = txn.Tenant(name)!;
            var mark = new byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(mark, view.Head.Position);
            txn.Put(dbs.Indexed, StoreKeys.Tenant(view.Number), mark);
        }
        txn.Put(dbs.Meta, Encoding.UTF8.GetBytes(FormatKey), Encoding.UTF8.GetBytes(Format));
        tx.Commit().ThrowOnError();
        _upgradeFrom3 = false;
    }

    private static LightningDatabase MainOf(LightningTransaction tx) => tx.OpenDatabase();

    private static string? FormatOf(LightningTransaction tx)
    {
        LightningDatabase meta;
        try { meta = tx.OpenDatabase("meta"); }
        catch (LightningException e) when ((MDBResultCode)e.StatusCode is MDBResultCode.NotFound or MDBResultCode.Incompatible) { return null; }
        using (meta)
        {
            var key = Encoding.UTF8.GetBytes(FormatKey);
            var (code, _, value) = tx.Get(meta, key);
            if (code != MDBResultCode.Success) return null;
            return Sealed.TryOpen(key, value.AsSpan(), out var payload) ? Encoding.UTF8.GetString(payload) : "(damaged)";
        }
    }

    private static Databases Initialize(LightningEnvironment env)
    {
        using var tx = env.BeginTransaction();
        var dbs = Databases.Open(tx, create: true);
        var key = Encoding.UTF8.GetBytes(FormatKey);
        tx.Put(dbs.Meta, key, Sealed.Seal(key, Encoding.UTF8.GetBytes(Format))).ThrowOnError();
        tx.Commit().ThrowOnError();
        return dbs;
    }

    /// <summary>Runs a read in a read-only transaction.</summary>
    public T Read<T>(Func<LightningTransaction, Databases, T> read)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _env.BeginTransaction(TransactionBeginFlags.ReadOnly);
            return read(tx, _dbs);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Runs the writer's work with the environment held open (not reopened meanwhile).</summary>
    public T Write<T>(Func<LightningEnvironment, Databases, T> write)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return write(_env, _dbs);
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>Doubles the map (up to the maximum); false when it is already at the maximum.</summary>
    public bool TryGrow()
    {
        _gate.EnterWriteLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var next = Math.Min(_mapSize * 2, _options.MaxMapSize);
            if (next <= _mapSize) return false;
            Close();
            _mapSize = next;
            MapGrowths++;
            OpenEnvironment(existing: true);
            return true;
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>Copies the store (a consistent snapshot, free pages left out) into an empty directory.</summary>
    public void CopyTo(string directory)
    {
        Directory.CreateDirectory(directory);
        Write((env, _) =>
        {
            env.CopyTo(directory, compact: true).ThrowOnError();
            return 0;
        });
    }

    private void Close()
    {
        _dbs?.Dispose();
        _env?.Dispose();
        _dbs = null!;
        _env = null!;
    }

    private static long NextPowerOfTwo(long n)
    {
        var p = 1L << 20;
        while (p < n) p <<= 1;
        return p;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _gate.EnterWriteLock();
        try
        {
            _disposed = true;
            Close();
            _processLock.Dispose();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }
}
