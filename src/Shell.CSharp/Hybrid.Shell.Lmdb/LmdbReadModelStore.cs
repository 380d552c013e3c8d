using System.Buffers.Binary;
using LightningDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Lmdb;

/// <summary>
/// The L2 read-model cache on LMDB. Each instance is a header entry (watermark and piece count) followed by its
/// pieces, each stamped with the watermark it was written at and a checksum. The file is probed in a child process
/// before it is mapped (see <see cref="CacheFile"/>); a damaged file (unreadable, truncated, crashing the probe,
/// failing LMDB's own checks) is moved aside with a warning and the cache recreated empty; a damaged entry is dropped:
/// in both cases the engine rebuilds from the log. The map doubles when full.
/// </summary>
public sealed class LmdbReadModelStore : IReadModelStore, IDisposable
{
    private readonly LmdbReadModelStoreOptions _options;
    private readonly CacheFile _file;
    private readonly ReaderWriterLockSlim _gate = new(LockRecursionPolicy.NoRecursion);
    private LightningEnvironment _env = null!;
    private LightningDatabase _db = null!;
    private long _mapSize;
    private long _damagedEntries;
    private long _bytesWritten;
    private bool _disposed;

    /// <summary>
    /// Opens (or creates) the cache in the options' directory; a damaged file is moved aside (with a warning to the
    /// logger) and the cache recreated empty.
    /// </summary>
    public LmdbReadModelStore(LmdbReadModelStoreOptions options, ILogger<LmdbReadModelStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
            throw new ArgumentException("The LMDB cache directory is empty.", nameof(options));
        _options = options;
        _file = new CacheFile(options.Directory, options.ProbeTimeout, options.Clock, logger ?? (ILogger)NullLogger.Instance);
        _mapSize = options.InitialMapSize;
        Directory.CreateDirectory(options.Directory);
        var damage = _file.Damage();
        if (damage is null && TryOpen(out damage)) return;
        FileRecoveries++;
        LastFileDamage = damage;
        _file.MoveAside(damage!);
        if (!TryOpen(out damage)) throw new IOException($"The LMDB cache in '{options.Directory}' cannot be created: {damage}");
    }

    /// <summary>A cache in the directory with default settings.</summary>
    public LmdbReadModelStore(string directory) : this(new LmdbReadModelStoreOptions { Directory = directory }) { }

    /// <summary>How many times a damaged file was found and the cache recreated.</summary>
    public int FileRecoveries { get; private set; }

    /// <summary>What was wrong the last time the file was found damaged; null when it never was.</summary>
    public string? LastFileDamage { get; private set; }

    /// <summary>How many damaged entries were found and dropped.</summary>
    public long DamagedEntries => Interlocked.Read(ref _damagedEntries);

    /// <summary>The bytes written by every write (keys and values).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>The current map size in bytes.</summary>
    public long MapSize => Interlocked.Read(ref _mapSize);

    /// <summary>The path of the data file.</summary>
    public string DataFile => _file.DataFile;

    /// <inheritdoc />
    public FSharpOption<StoredInstance>? Load(ReadModelKey key)
    {
        var prefix = LmdbKeys.InstancePrefix(key);
        var outcome = WithFileRecovery(() => LoadLocked(prefix));
        if (outcome.Damaged)
        {
            Interlocked.Increment(ref _damagedEntries);
            Delete(key);
            return null;
        }
        return outcome.Instance is null ? null : FSharpOption<StoredInstance>.Some(outcome.Instance);
    }

    private readonly record struct LoadOutcome(StoredInstance? Instance, bool Damaged);

    private LoadOutcome LoadLocked(byte[] prefix)
    {
        using var tx = _env.BeginTransaction(TransactionBeginFlags.ReadOnly);
        if (!tx.TryGet(_db, LmdbKeys.Header(prefix), out byte[]? header)) return new(null, HasPieces(tx, prefix));
        if (!LmdbEntry.TryDecode(header, out var watermark, out var headerPayload) || headerPayload.Length != 4)
            return new(null, true);
        var expected = BinaryPrimitives.ReadInt32LittleEndian(headerPayload);
        var pieces = new List<StoredPiece>(expected);
        using var cursor = tx.CreateCursor(_db);
        var piecePrefix = (byte[])[.. prefix, LmdbKeys.PieceMark];
        var code = cursor.SetRange(piecePrefix);
        while (code == MDBResultCode.Success)
        {
            var (_, k, v) = cursor.GetCurrent();
            var keyBytes = k.AsSpan();
            if (!keyBytes.StartsWith(piecePrefix)) break;
            if (!LmdbEntry.TryDecode(v.AsSpan(), out var pieceWatermark, out var bytes) || pieceWatermark > watermark)
                return new(null, true);
            pieces.Add(new StoredPiece(LmdbKeys.PieceName(keyBytes, prefix.Length), bytes));
            code = cursor.Next().resultCode;
        }
        if (code != MDBResultCode.NotFound) code.ThrowOnError();
        if (pieces.Count != expected) return new(null, true);
        return new(new StoredInstance(watermark, pieces.ToArray()), false);
    }

    private bool HasPieces(LightningTransaction tx, byte[] prefix)
    {
        using var cursor = tx.CreateCursor(_db);
        var piecePrefix = (byte[])[.. prefix, LmdbKeys.PieceMark];
        if (cursor.SetRange(piecePrefix) != MDBResultCode.Success) return false;
        var (_, k, _) = cursor.GetCurrent();
        return k.AsSpan().StartsWith(piecePrefix);
    }

    /// <inheritdoc />
    public long Write(ReadModelKey key, long watermark, PieceWrite changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var prefix = LmdbKeys.InstancePrefix(key);
        var values = changes.Written.Select(p => (Key: LmdbKeys.Piece(prefix, p.Name), Value: LmdbEntry.Encode(watermark, p.Bytes))).ToArray();
        var removed = changes.Removed.Select(name => LmdbKeys.Piece(prefix, name)).ToArray();
        CheckKeySize(key, values.Select(v => v.Key).Concat(removed).Append(LmdbKeys.Header(prefix)));
        while (true)
        {
            var written = WithFileRecovery(() => WriteLocked(prefix, watermark, changes, values, removed));
            if (written == NotApplied) return NotApplied;
            if (written >= 0)
            {
                Interlocked.Add(ref _bytesWritten, written);
                return written;
            }
            Grow();
        }
    }

    private const long NotApplied = -1;
    private const long MapFull = -2;

    // Returns the bytes written, NotApplied on a base mismatch, or MapFull.
    private long WriteLocked(byte[] prefix, long watermark, PieceWrite changes, (byte[] Key, byte[] Value)[] values, byte[][] removed)
    {
        using var tx = _env.BeginTransaction();
        var headerKey = LmdbKeys.Header(prefix);
        var count = 0;
        var stored = -1L;
        if (tx.TryGet(_db, headerKey, out byte[]? header) && LmdbEntry.TryDecode(header, out var storedWatermark, out var payload) && payload.Length == 4)
        {
            count = BinaryPrimitives.ReadInt32LittleEndian(payload);
            stored = storedWatermark;
        }
        if (!changes.Full && stored != changes.Base) return NotApplied;
        if (changes.Full || stored < 0)
        {
            DeleteRange(tx, prefix);
            count = 0;
        }
        long bytes = 0;
        foreach (var (k, v) in values)
        {
            var existed = tx.ContainsKey(_db, k);
            if (!Put(tx, k, v)) return MapFull;
            if (!existed) count++;
            bytes += k.Length + v.Length;
        }
        foreach (var k in removed)
            if (tx.ContainsKey(_db, k))
            {
                tx.Delete(_db, k).ThrowOnError();
                count--;
            }
        var countBytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(countBytes, count);
        var headerValue = LmdbEntry.Encode(watermark, countBytes);
        if (!Put(tx, headerKey, headerValue)) return MapFull;
        bytes += headerKey.Length + headerValue.Length;
        var committed = tx.Commit();
        if (committed == MDBResultCode.MapFull) return MapFull;
        committed.ThrowOnError();
        return bytes;
    }

    private bool Put(LightningTransaction tx, byte[] key, byte[] value)
    {
        var code = tx.Put(_db, key, value);
        if (code == MDBResultCode.MapFull) return false;
        code.ThrowOnError();
        return true;
    }

    /// <inheritdoc />
    public void Delete(ReadModelKey key)
    {
        var prefix = LmdbKeys.InstancePrefix(key);
        WithFileRecovery(() =>
        {
            using var tx = _env.BeginTransaction();
            DeleteRange(tx, prefix);
            tx.Commit().ThrowOnError();
            return 0;
        });
    }

    /// <inheritdoc />
    public int[] Versions(string model)
    {
        var prefix = LmdbKeys.ModelPrefix(model);
        return WithFileRecovery(() =>
        {
            var versions = new SortedSet<int>();
            using var tx = _env.BeginTransaction(TransactionBeginFlags.ReadOnly);
            using var cursor = tx.CreateCursor(_db);
            var code = cursor.SetRange(prefix);
            while (code == MDBResultCode.Success)
            {
                var (_, k, _) = cursor.GetCurrent();
                var keyBytes = k.AsSpan();
                if (!keyBytes.StartsWith(prefix)) break;
                var version = LmdbKeys.VersionOf(keyBytes, prefix.Length);
                versions.Add(version);
                // Skip to the next version's first key.
                if (version == int.MaxValue) break;
                code = cursor.SetRange(LmdbKeys.VersionPrefix(model, version + 1));
            }
            return versions.ToArray();
        });
    }

    /// <inheritdoc />
    public int DeleteVersion(string model, int version)
    {
        var prefix = LmdbKeys.VersionPrefix(model, version);
        return WithFileRecovery(() =>
        {
            using var tx = _env.BeginTransaction();
            var instances = DeleteRange(tx, prefix, countHeaders: true);
            tx.Commit().ThrowOnError();
            return instances;
        });
    }

    // Deletes every key starting with the prefix; returns how many instance headers were among them.
    private int DeleteRange(LightningTransaction tx, byte[] prefix, bool countHeaders = false)
    {
        var headers = 0;
        using var cursor = tx.CreateCursor(_db);
        var code = cursor.SetRange(prefix);
        while (code == MDBResultCode.Success)
        {
            var (_, k, _) = cursor.GetCurrent();
            var keyBytes = k.AsSpan();
            if (!keyBytes.StartsWith(prefix)) break;
            if (countHeaders && keyBytes[^1] == LmdbKeys.HeaderMark && IsHeaderKey(keyBytes, prefix.Length)) headers++;
            cursor.Delete().ThrowOnError();
            code = cursor.GetCurrent().resultCode;
        }
        return headers;
    }

    // A header key is [model][version][tenant][scope][0]: walk the two length-prefixed strings after the version.
    private static bool IsHeaderKey(ReadOnlySpan<byte> key, int versionPrefixLength)
    {
        var at = versionPrefixLength;
        for (var i = 0; i < 2; i++)
        {
            if (at + 2 > key.Length) return false;
            at += 2 + (key[at] << 8 | key[at + 1]);
        }
        return at == key.Length - 1;
    }

    private void CheckKeySize(ReadModelKey key, IEnumerable<byte[]> keys)
    {
        var max = _env.MaxKeySize;
        foreach (var k in keys)
            if (k.Length > max)
                throw new InvalidInputException("scope",
                    $"Tenant '{key.Tenant}': read model '{key.Model}': the cache key of scope '{key.Scope}' is {k.Length} bytes, over LMDB's {max}: use a shorter scope or piece name.");
    }

    private T WithFileRecovery<T>(Func<T> action)
    {
        try
        {
            return UnderReadLock(action);
        }
        catch (LightningException e) when (IsFileDamage((MDBResultCode)e.StatusCode))
        {
            Recreate($"LMDB reported {(MDBResultCode)e.StatusCode}: {e.Message}");
            return UnderReadLock(action);
        }
    }

    // Reads and writes share the gate; only reopening the environment (grow, recreate, dispose) takes it exclusively.
    private T UnderReadLock<T>(Func<T> action)
    {
        _gate.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return action();
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    private static bool IsFileDamage(MDBResultCode code) => Files.LmdbCodes.IsDamage(code);

    private void Recreate(string damage)
    {
        _gate.EnterWriteLock();
        try
        {
            FileRecoveries++;
            LastFileDamage = damage;
            Close();
            _file.MoveAside(damage);
            if (!TryOpen(out var again)) throw new IOException($"The LMDB cache in '{_options.Directory}' cannot be recreated: {again}");
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    private void Grow()
    {
        _gate.EnterWriteLock();
        try
        {
            var next = Math.Min(_mapSize * 2, _options.MaxMapSize);
            if (next <= _mapSize)
                throw new IOException($"The LMDB cache in '{_options.Directory}' is full at its maximum map size of {_options.MaxMapSize} bytes.");
            Close();
            Interlocked.Exchange(ref _mapSize, next);
            MapGrowths++;
            if (!TryOpen(out var damage)) throw new IOException($"The LMDB cache in '{_options.Directory}' cannot be reopened: {damage}");
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    /// <summary>How many times the map was full and grew.</summary>
    public int MapGrowths { get; private set; }

    private bool TryOpen(out string damage)
    {
        damage = "";
        var dataFile = DataFile;
        LightningEnvironment? env = null;
        try
        {
            var existingLength = File.Exists(dataFile) ? new FileInfo(dataFile).Length : -1;
            if (existingLength == 0)
            {
                damage = "the data file is empty";
                return false;
            }
            // The file may hold more than the configured map size (a previous run grew it): map at least all of it.
            if (existingLength > _mapSize) Interlocked.Exchange(ref _mapSize, NextPowerOfTwo(existingLength));
            env = new LightningEnvironment(_options.Directory, new EnvironmentConfiguration { MapSize = _mapSize, MaxDatabases = 1 });
            var flags = EnvironmentOpenFlags.NoThreadLocalStorage | (_options.NoSync ? EnvironmentOpenFlags.NoSync : EnvironmentOpenFlags.None);
            env.Open(flags);
            if (existingLength > 0)
            {
                // Pages past the end of a truncated file would fault (SIGBUS) when read: check before any read.
                var used = (env.Info.LastPageNumber + 1) * (long)env.EnvironmentStats.PageSize;
                if (used > existingLength)
                {
                    damage = $"the data file is truncated: {existingLength} bytes, but its last page ends at byte {used}";
                    env.Dispose();
                    return false;
                }
            }
            using (var tx = env.BeginTransaction())
            {
                _db = tx.OpenDatabase(configuration: new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create });
                tx.Commit().ThrowOnError();
            }
            _env = env;
            if (existingLength > 0 && _options.VerifyOnOpen) VerifyAllEntries();
            return true;
        }
        catch (LightningException e)
        {
            damage = $"LMDB refused the file: {e.Message} (code {e.StatusCode})";
            if (ReferenceEquals(env, _env)) Close();
            else env?.Dispose();
            return false;
        }
    }

    // Walks every key, so LMDB checks every page of the tree; a bad page raises a LightningException.
    private void VerifyAllEntries()
    {
        using var tx = _env.BeginTransaction(TransactionBeginFlags.ReadOnly);
        using var cursor = tx.CreateCursor(_db);
        var code = cursor.First().resultCode;
        while (code == MDBResultCode.Success) code = cursor.Next().resultCode;
        if (code != MDBResultCode.NotFound) code.ThrowOnError();
    }

    private static long NextPowerOfTwo(long n)
    {
        var p = 1L;
        while (p < n) p <<= 1;
        return p;
    }

    private void Close()
    {
        _db?.Dispose();
        _env?.Dispose();
        _db = null!;
        _env = null!;
    }

    /// <summary>Closes the environment.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _gate.EnterWriteLock();
        try
        {
            _disposed = true;
            Close();
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }
}
