using Hybrid.Shell.Serialization;
using Hybrid.Shell.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// Runs read models: a read returns the fold of the tenant's matching events up to the log's head at the time of the
/// call (with that position). Instances are kept in an in-process L1 (LRU with TTL) and an optional L2
/// (<see cref="IReadModelStore"/>: LMDB or in memory) with deferred write-back; a read folds only the events after the
/// cached watermark. One fold per instance at a time; readers of a cached instance never wait for it.
/// Call <see cref="FlushAsync"/> or dispose on shutdown to write back what waits.
/// </summary>
public sealed class ReadModelEngine : IReadModelViews, IAsyncDisposable, IDisposable
{
    private const int LockStripes = 64;
    private readonly IEventStore _log;
    private readonly IReadModelStore? _l2;
    private readonly Dictionary<string, ReadModelDefinition> _models = new(StringComparer.Ordinal);
    private readonly ReadModelEngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ReadModelMemoryCache _l1;
    private readonly ReadModelWriteBack? _writeBack;
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly HashSet<string> _versionsChecked = new(StringComparer.Ordinal);
    private long _l1Hits, _l1Misses, _l2Hits, _l2Misses, _damaged, _eventsFolded;
    private int _disposed;

    /// <summary>An engine over the log for the given models, with an optional L2 cache.</summary>
    public ReadModelEngine(IEventStore log, IEnumerable<ReadModelDefinition> models, IReadModelStore? cache = null,
        ReadModelEngineOptions? options = null, TimeProvider? clock = null, ILogger<ReadModelEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(models);
        _log = log;
        _l2 = cache;
        _options = options ?? new ReadModelEngineOptions();
        _clock = clock ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (_options.ReadBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "ReadBatchSize must be 1 or more.");
        foreach (var model in models)
        {
            var valid = ReadModel.validate(model);
            if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(models));
            if (!_models.TryAdd(model.Name, model))
                throw new ArgumentException($"Two read models are named '{model.Name}'.", nameof(models));
        }
        _l1 = new ReadModelMemoryCache(_options.MemoryCapacity, _options.MemoryTimeToLive, _clock);
        if (cache is not null) _writeBack = new ReadModelWriteBack(cache, _options, _clock, _logger);
        ReadModelTelemetry.Observe(this);
    }

    /// <summary>An engine for every read model of a registry.</summary>
    public ReadModelEngine(IEventStore log, Registry registry, IReadModelStore? cache = null,
        ReadModelEngineOptions? options = null, TimeProvider? clock = null, ILogger<ReadModelEngine>? logger = null)
        : this(log, RegistryModule.valuesOf<ReadModelDefinition>(DefinitionKind.ReadModel, registry), cache, options, clock, logger) { }

    /// <summary>The registered models, by name.</summary>
    public IReadOnlyDictionary<string, ReadModelDefinition> Models => _models;

    /// <summary>What the caches have done.</summary>
    public ReadModelCacheStatistics Statistics => new(
        Interlocked.Read(ref _l1Hits), Interlocked.Read(ref _l1Misses), _l1.Evictions, _l1.Count,
        Interlocked.Read(ref _l2Hits), Interlocked.Read(ref _l2Misses), Interlocked.Read(ref _damaged),
        Interlocked.Read(ref _eventsFolded), _writeBack?.Writes ?? 0, _writeBack?.Bytes ?? 0, _writeBack?.Count ?? 0);

    /// <summary>How many instances' L2 watermarks the write-back remembers (bounded by the L1 and write-back capacities).</summary>
    internal int StoredWatermarksKnown => _writeBack?.StoredKnown ?? 0;

    /// <summary>Empties L1 (L2 and what waits for write-back stay).</summary>
    public void ClearMemoryCache() => _l1.Clear();

    /// <inheritdoc />
    public bool Knows(string model) => _models.ContainsKey(model);

    /// <inheritdoc />
    public Task<ReadModelView> Read(string tenant, string model, string scope, CancellationToken ct)
    {
        var (definition, key, selector) = Resolve(tenant, model, scope);
        var head = _log.GetHead(tenant, ct);
        if (head.IsCompletedSuccessfully && TryHit(key, head.Result, out var hit)) return Task.FromResult(ViewOf(hit, selector));
        return ReadSlowly(definition, key, selector, head, ct);
    }

    private async Task<ReadModelView> ReadSlowly(ReadModelDefinition definition, ReadModelKey key, string selector, Task<long> head, CancellationToken ct)
    {
        var target = await head.ConfigureAwait(false);
        var snapshot = await CatchUp(definition, key, target, fromScratch: false, ct).ConfigureAwait(false);
        return ViewOf(snapshot, selector);
    }

    /// <inheritdoc />
    public async Task<ReadModelView> ReadAtLeast(string tenant, string model, string scope, long position, CancellationToken ct)
    {
        var (definition, key, selector) = Resolve(tenant, model, scope);
        StoreInput.Position(tenant, "position", position);
        if (TryHit(key, position, out var hit)) return ViewOf(hit, selector);
        var head = await _log.GetHead(tenant, ct).ConfigureAwait(false);
        while (head < position)
        {
            await Task.Delay(_options.PollInterval, _clock, ct).ConfigureAwait(false);
            head = await _log.GetHead(tenant, ct).ConfigureAwait(false);
        }
        var snapshot = await CatchUp(definition, key, head, fromScratch: false, ct).ConfigureAwait(false);
        return ViewOf(snapshot, selector);
    }

    /// <summary>The L1 state without asking the log (it may lag behind the log); null when the instance is not in L1.</summary>
    public ReadModelView? TryReadCached(string tenant, string model, string scope)
    {
        var (_, key, selector) = Resolve(tenant, model, scope);
        if (!_l1.TryGet(key, out var snapshot)) return null;
        Interlocked.Increment(ref _l1Hits);
        return ViewOf(snapshot, selector);
    }

    /// <summary>
    /// Drops the instance's L2 entry and folds it again from the start of the log, reporting progress; readers are served
    /// the state L1 holds until the new one replaces it.
    /// </summary>
    public async Task<ReadModelView> Rebuild(string tenant, string model, string scope, CancellationToken ct)
    {
        var (definition, key, selector) = Resolve(tenant, model, scope);
        var head = await _log.GetHead(tenant, ct).ConfigureAwait(false);
        var snapshot = await CatchUp(definition, key, head, fromScratch: true, ct).ConfigureAwait(false);
        return ViewOf(snapshot, selector);
    }

    /// <summary>Writes back to L2 everything that waits.</summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        if (_writeBack is null) return Task.CompletedTask;
        return Task.Run(_writeBack.FlushAll, ct);
    }

    /// <summary>
    /// Deletes L2 entries of every version of the registered models other than the registered one; returns how many
    /// instances were deleted. Also done once per model at its first read.
    /// </summary>
    public int DeleteStaleVersions() => _models.Values.Sum(DeleteStaleVersions);

    private int DeleteStaleVersions(ReadModelDefinition model)
    {
        if (_l2 is null) return 0;
        var deleted = 0;
        foreach (var version in _l2.Versions(model.Name))
        {
            if (version == model.Version) continue;
            var count = _l2.DeleteVersion(model.Name, version);
            deleted += count;
            _logger.LogInformation("Deleted {Count} cached instances of read model {Model} v{Old}, replaced by v{New}.",
                count, model.Name, version, model.Version);
        }
        return deleted;
    }

    private (ReadModelDefinition, ReadModelKey, string) Resolve(string tenant, string model, string scope)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        StoreInput.Tenant(tenant);
        if (model is null || !_models.TryGetValue(model, out var definition))
            throw new InvalidInputException("model", $"Tenant '{tenant}': model: no read model named '{model}' is registered.");
        var route = ReadModel.route(definition, scope ?? "");
        var key = new ReadModelKey(tenant, definition.Name, definition.Version, route.Item1);
        EnsureStaleVersionsDeleted(definition);
        return (definition, key, route.Item2);
    }

    private void EnsureStaleVersionsDeleted(ReadModelDefinition model)
    {
        lock (_versionsChecked)
        {
            if (!_versionsChecked.Add(model.Name)) return;
        }
        DeleteStaleVersions(model);
    }

    private bool TryHit(ReadModelKey key, long target, out ReadModelSnapshot snapshot)
    {
        if (_l1.TryGet(key, out snapshot) && snapshot.Watermark >= target)
        {
            Interlocked.Increment(ref _l1Hits);
            return true;
        }
        return false;
    }

    private static ReadModelView ViewOf(ReadModelSnapshot snapshot, string selector) =>
        new(snapshot.Key.Model, snapshot.Key.Tenant, snapshot.Key.Scope.Length > 0 ? snapshot.Key.Scope : selector,
            snapshot.View(selector), snapshot.Watermark);

    private async Task<ReadModelSnapshot> CatchUp(ReadModelDefinition model, ReadModelKey key, long target, bool fromScratch, CancellationToken ct)
    {
        var gate = _locks[(key.GetHashCode() & int.MaxValue) % LockStripes];
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ReadModelSnapshot? snapshot;
            if (fromScratch)
            {
                // L1 keeps the current state until the new one replaces it: readers are served meanwhile.
                _writeBack?.Discard(key);
                _l2?.Delete(key);
                snapshot = null;
            }
            else if (_l1.TryGet(key, out snapshot))
            {
                Interlocked.Increment(ref _l1Hits);
            }
            else
            {
                Interlocked.Increment(ref _l1Misses);
                snapshot = _writeBack?.TryGetPending(key) ?? LoadFromL2(model, key);
                Interlocked.Increment(ref snapshot is null ? ref _l2Misses : ref _l2Hits);
            }
            snapshot ??= new ReadModelSnapshot(model, key, Names.Start, model.Initial);
            if (snapshot.Watermark >= target)
            {
                _l1.Set(snapshot);
                return snapshot;
            }
            var (folded, changed, events) = await Fold(snapshot, target, ct).ConfigureAwait(false);
            if (folded is null)
            {
                // A purge or a forgotten subject changed events below the watermark: fold again from the start.
                _l1.Remove(key);
                _writeBack?.Discard(key);
                _l2?.Delete(key);
                (folded, changed, events) = await Fold(new ReadModelSnapshot(model, key, Names.Start, model.Initial), target, ct).ConfigureAwait(false);
            }
            _l1.Set(folded!);
            _writeBack?.Enqueue(folded!, changed, events);
            return folded!;
        }
        finally
        {
            gate.Release();
        }
    }

    private ReadModelSnapshot? LoadFromL2(ReadModelDefinition model, ReadModelKey key)
    {
        var stored = _l2?.Load(key);
        if (stored is null)
        {
            _writeBack?.NoteStored(key, -1);
            return null;
        }
        var shape = Array.Find(stored.Value.Pieces, p => p.Name == ReadModelShape.PieceName);
        if (shape is null || !shape.Bytes.AsSpan().SequenceEqual(ReadModelShape.Of(model)))
        {
            // Written for another shape of the state (its types changed without a version bump, or by a release that
            // stored no shape): its positional bytes could read back as wrong values, so it is rebuilt from the log.
            _logger.LogInformation("The cached {Key} was stored for another shape of the model's state; it is rebuilt from the log.", key);
            _l2!.Delete(key);
            _writeBack?.NoteStored(key, -1);
            return null;
        }
        try
        {
            var pieces = model.Initial;
            foreach (var piece in stored.Value.Pieces)
            {
                if (ReferenceEquals(piece, shape)) continue;
                pieces = pieces.Add(piece.Name, PieceSerializer.Deserialize(model.PieceType.Invoke(piece.Name), piece.Bytes)!);
            }
            _writeBack?.NoteStored(key, stored.Value.Watermark);
            return new ReadModelSnapshot(model, key, stored.Value.Watermark, pieces);
        }
        catch (Exception e) when (e is MessagePack.MessagePackSerializationException or InvalidCastException or InvalidOperationException)
        {
            // Bytes of another shape (a model changed without a version bump, or damage the checksum missed): rebuild.
            Interlocked.Increment(ref _damaged);
            _logger.LogWarning(e, "The cached {Key} could not be read; it is rebuilt from the log.", key);
            _l2!.Delete(key);
            _writeBack?.NoteStored(key, -1);
            return null;
        }
    }

    /// <summary>
    /// Folds the events after the snapshot's watermark up to the target; a null snapshot when one of them invalidates
    /// what the snapshot already folded (<see cref="FoldInvalidation"/>). Placeholders of purged events fold nothing.
    /// </summary>
    private async Task<(ReadModelSnapshot?, HashSet<string>, long)> Fold(ReadModelSnapshot from, long target, CancellationToken ct)
    {
        var model = from.Model;
        var key = from.Key;
        var own = ReadModel.query(model, key.Scope);
        var query = FoldInvalidation.widen(own);
        var folding = from.Watermark > Names.Start;
        var batch = _options.ReadBatchSize;
        var report = _options.Progress;
        var pieces = from.Pieces;
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var after = from.Watermark;
        long events = 0;
        var longFold = from.Watermark == Names.Start;
        var run = Array.Empty<RecordedEvent>();
        Task<RecordedEvent[]> Page(long position) =>
            _log.Read(key.Tenant, new EventQuery(query.Items, position, target + 1, Direction.Forward, batch), ct);
        // The next page is read while this one folds: events up to the target never change, so reading ahead is safe.
        var next = after < target ? Page(after) : null;
        while (next is not null)
        {
            var page = await next.ConfigureAwait(false);
            next = page.Length >= batch && page[^1].Position < target ? Page(page[^1].Position) : null;
            try
            {
                // The page's events the instance folds, stepped as one run (the model keeps its state unboxed through it).
                if (run.Length < page.Length) run = new RecordedEvent[page.Length];
                var count = 0;
                foreach (var recorded in page)
                {
                    if (FoldInvalidation.invalidates(recorded))
                    {
                        if (folding)
                        {
                            next?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                            return (null, changed, events);
                        }
                        // Read only to see invalidations, unless the model reads the audit type itself: then it folds it.
                        if (!EventQueryModule.matchesTypeAndTags(own, recorded.Type, recorded.Tags)) continue;
                    }
                    if (Purging.isPurged(recorded) || !ReadModel.belongs(model, key.Scope, recorded)) continue;
                    run[count++] = recorded;
                }
                if (count > 0)
                {
                    var segment = new ArraySegment<RecordedEvent>(run, 0, count);
                    FSharpMap<string, object> stepped;
                    FSharpList<string> names;
                    try
                    {
                        (stepped, names) = FSharpFunc<FSharpMap<string, object>, ArraySegment<RecordedEvent>>.InvokeFast(model.StepRun, pieces, segment);
                    }
                    catch (Exception failure) when (failure is not OperationCanceledException)
                    {
                        throw FoldFailure(model, key, pieces, segment, failure);
                    }
                    pieces = stepped;
                    foreach (var name in names) changed.Add(name);
                }
            }
            catch
            {
                next?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }
            events += page.Length;
            if (next is null) break;
            after = page[^1].Position;
            longFold = true;
            report?.Report(new ReadModelRebuildProgress(key, after, target, events, Done: false));
        }
        Interlocked.Add(ref _eventsFolded, events);
        if (longFold) report?.Report(new ReadModelRebuildProgress(key, target, target, events, Done: true));
        return (new ReadModelSnapshot(model, key, target, pieces), changed, events);
    }

    /// <summary>
    /// The model's code threw on one of the run's events: steps the run again one event at a time (the reducer is pure)
    /// to name the event it throws on.
    /// </summary>
    private static ReadModelFoldFailedException FoldFailure(ReadModelDefinition model, ReadModelKey key, FSharpMap<string, object> pieces,
        ArraySegment<RecordedEvent> run, Exception failure)
    {
        foreach (var e in run)
        {
            try
            {
                pieces = FSharpFunc<FSharpMap<string, object>, RecordedEvent>.InvokeFast(model.Step, pieces, e).Item1;
            }
            catch (Exception inner)
            {
                return new ReadModelFoldFailedException(key, e.Id, e.Type, e.Position, inner);
            }
        }
        var last = run[run.Count - 1];
        return new ReadModelFoldFailedException(key, last.Id, last.Type, last.Position, failure);
    }

    /// <summary>Stops the write-back timer, then writes back what waits.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        ReadModelTelemetry.Forget(this);
        if (_writeBack is not null)
        {
            _writeBack.Dispose();
            await Task.Run(_writeBack.FlushAll).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the write-back timer, then writes back what waits.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        ReadModelTelemetry.Forget(this);
        _writeBack?.Dispose();
        _writeBack?.FlushAll();
    }

    /// <summary>Simulates a crash: stops without writing back what waits (only cache is lost).</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        ReadModelTelemetry.Forget(this);
        _writeBack?.Dispose();
    }
}
