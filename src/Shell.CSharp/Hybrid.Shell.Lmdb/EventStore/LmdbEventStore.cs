using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// The embedded, durable event store on LMDB: a directory, no server. Each append is acknowledged once its write
/// transaction is synced to disk; concurrent appends share one transaction and one sync (group commit), each member
/// decided in order against the ones before it and failing alone. Positions are per tenant, gapless and in commit
/// order. Every record carries a checksum, and opening checks the file first (see
/// <see cref="LmdbEventStoreOptions.VerifyOnOpen"/>): a damaged store stops with <see cref="LmdbStoreDamagedException"/>
/// instead of crashing the process. One process writes a store at a time.
/// </summary>
/// <remarks>Reads, checkpoints and subscriptions are in the partial files beside this one.</remarks>
public sealed partial class LmdbEventStore : IEventStore, IEventByIdReader, IEventPurger, IDisposable
{
    private readonly LmdbEventStoreOptions _options;
    private readonly StoreEnvironment _env;
    private readonly TenantSignals _signals = new();
    private readonly IndexTails _tails;
    private readonly GroupCommit _writer;
    private readonly RecordWriter _recordWriter = new(1024);

    private LmdbEventStore(LmdbEventStoreOptions options, StoreEnvironment env)
    {
        _options = options;
        _env = env;
        _tails = new IndexTails(options.IndexTailLength);
        _writer = new GroupCommit(env, _signals, _tails, options.MaxEventsPerCommit);
    }

    /// <summary>
    /// Opens the store in the options' directory (creating it when new), checking the file first. Throws
    /// <see cref="LmdbStoreDamagedException"/> when the file is damaged, and an <see cref="IOException"/> when another
    /// process holds the store.
    /// </summary>
    public static LmdbEventStore Open(LmdbEventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory)) throw new ArgumentException("The event store directory is empty.", nameof(options));
        if (options.MaxMapSize < options.InitialMapSize) throw new ArgumentException("MaxMapSize is below InitialMapSize.", nameof(options));
        if (options.IndexTailLength is < 1 or > LmdbEventStoreOptions.LongestIndexTail)
            throw new ArgumentException($"IndexTailLength is {options.IndexTailLength}; it must be 1 to {LmdbEventStoreOptions.LongestIndexTail}.", nameof(options));
        var store = new LmdbEventStore(options, StoreEnvironment.Open(options));
        try
        {
            store.IndexTailsLeftOpen();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Indexes the events the last process left waiting for their index entries (see <see cref="IndexTail"/>): reads
    /// then find them in the indexes instead of reading them from the log each time.
    /// </summary>
    private void IndexTailsLeftOpen() => _writer.Enqueue(txn =>
    {
        foreach (var name in txn.TenantNames().Values) txn.Tenant(name)!.IndexTailEvents();
        return 0;
    }, 0, null).GetAwaiter().GetResult();

    /// <summary>Opens the store in the directory with default settings.</summary>
    public static LmdbEventStore Open(string directory) => Open(new LmdbEventStoreOptions { Directory = directory });

    internal StoreEnvironment Environment => _env;

    internal GroupCommit Writer => _writer;

    internal IndexTails Tails => _tails;

    /// <summary>The options the store runs with.</summary>
    public LmdbEventStoreOptions Options => _options;

    /// <summary>The store's data file.</summary>
    public string DataFile => _env.DataFile;

    /// <summary>The current map size in bytes (it doubles when full, up to <see cref="LmdbEventStoreOptions.MaxMapSize"/>).</summary>
    public long MapSize => _env.MapSize;

    /// <inheritdoc />
    public Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        AppendModule.validateOrThrow(_options.Limits, request);
        ct.ThrowIfCancellationRequested();
        return _writer.Enqueue(txn => AppendExecutor.Run(txn, request, _options.Clock.GetUtcNow(), _recordWriter), request.Events.Length, request.Tenant);
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        StoreInput.Expected(tenant, "expected", expected);
        ct.ThrowIfCancellationRequested();
        return _writer.Enqueue(txn =>
        {
            var view = txn.Tenant(tenant);
            var state = view?.StateOf(stream) ?? new StreamState(0, 0);
            var verdict = AppendConditionModule.checkVersion(stream, expected, state.Version, state.IsLive);
            if (verdict.IsError) return DeleteResult.NewDeleteFailed(verdict.ErrorValue);
            if (state.Version > 0 && view is not null)
                view.DeleteStream(stream, state.Version);
            return DeleteResult.NewStreamDeleted(state.Version);
        }, 0, null);
    }

    /// <inheritdoc />
    public Task<PurgeResult> Purge(PurgeRequest request, CancellationToken ct)
    {
        Purging.validateOrThrow(request);
        ct.ThrowIfCancellationRequested();
        return _writer.Enqueue(txn => PurgeExecutor.Run(txn, request, _options.Clock.GetUtcNow(), _recordWriter), 1, request.Tenant);
    }

    /// <summary>
    /// Copies the store into an empty directory while it runs: a consistent snapshot, free pages left out. The copy
    /// opens as a store of its own (restore by pointing a store at it).
    /// </summary>
    public void BackupTo(string directory) => _env.CopyTo(directory);

    /// <summary>Commits the writes already queued, then closes the store.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        _env.Dispose();
    }
}
