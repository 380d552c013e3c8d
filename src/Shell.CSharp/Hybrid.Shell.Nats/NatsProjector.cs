using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Shell.Nats;

/// <summary>
/// Keeps read models in a projector process from the broker's event stream instead of the store: it consumes every
/// tenant's events (the whole events stream, published by a <c>Producer.recorded</c> producer), rebuilds each recorded
/// event from its headers and folds it with the application's own read-model definitions. Without a durable store the
/// models live in memory (a restarted projector folds the stream again from its start); with one (the LMDB read-model
/// cache in a data directory) they are written every <see cref="FlushInterval"/> and on stop with the position they
/// have seen and the stream sequence to resume after (<see cref="ProjectorStateStore"/>), so a restarted projector
/// resumes there. De-duplication by event id: an event's id is bound to its position, and events arrive in position
/// order per tenant, so an event at or below the position a model has seen (a repeat published after JetStream's
/// de-duplication window, e.g. by a producer that lost its lease, or received again after a restart) is skipped.
/// Reads are <see cref="IReadModelViews"/>, so the application's queries run over it unchanged.
/// </summary>
public sealed class NatsProjector : IReadModelViews, IAsyncDisposable
{
    private readonly NatsBroker _broker;
    private readonly ReadModelDefinition[] _models;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ProjectorTenantViews> _tenants = new(StringComparer.Ordinal);
    private readonly ProjectorStateStore? _durable;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Task _flushing = Task.CompletedTask;
    private long _lastSequence;
    private long _persisted;
    private int _disposed;
    private long _duplicates;
    private long _malformed;

    /// <summary>
    /// A projector of these read models (whole-tenant scope only), kept in <paramref name="durable"/> when given (else in
    /// memory only); throws naming a model it cannot keep.
    /// </summary>
    public NatsProjector(NatsBroker broker, IEnumerable<ReadModelDefinition> models, TimeProvider clock, ILogger logger, IReadModelStore? durable = null)
    {
        _broker = broker;
        _models = models.ToArray();
        foreach (var model in _models)
            if (!model.Scope.IsWholeTenant)
                throw new ArgumentException($"Read model '{model.Name}' is scoped; a broker projector keeps whole-tenant models only.", nameof(models));
        _clock = clock;
        _logger = logger;
        if (durable is not null) _durable = new ProjectorStateStore(durable, _models, logger);
    }

    /// <summary>How often the models are written to the durable store (when there is one).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The stream sequence the projector resumed after when it started (0: from the stream's start).</summary>
    public long ResumedAfter { get; private set; }

    /// <summary>The stream sequence of the last write of the models to the durable store (0: not written yet, or no store).</summary>
    public long PersistedSequence => Interlocked.Read(ref _persisted);

    /// <summary>The last position folded per tenant.</summary>
    public IReadOnlyDictionary<string, long> Positions => _tenants.ToDictionary(t => t.Key, t => t.Value.Position, StringComparer.Ordinal);

    /// <summary>Repeated events skipped.</summary>
    public long DuplicatesSkipped => Interlocked.Read(ref _duplicates);

    /// <summary>Messages that carried no recorded event (skipped, logged).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Loads the durable state (if any) and starts consuming the event stream after it (else from its start).</summary>
    public Task StartAsync(CancellationToken ct)
    {
        if (_durable is not null)
        {
            var (sequence, tenants) = _durable.Load();
            foreach (var (tenant, views) in tenants) _tenants[tenant] = views;
            _lastSequence = ResumedAfter = sequence;
            _logger.LogInformation("Loaded the read models of {Tenants} tenants; consuming after stream sequence {Sequence}.", tenants.Count, sequence);
            _flushing = FlushEvery(_stop.Token);
        }
        _loop = Consume(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task FlushEvery(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, _clock, stop);
                Flush();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex) { _logger.LogWarning(ex, "Writing the read models failed; writing them again at the next flush."); }
        }
    }

    /// <summary>Writes the models and the sequence to resume after; the sequence is read first, so the models hold every event up to it.</summary>
    private void Flush()
    {
        if (_durable is null) return;
        var sequence = Interlocked.Read(ref _lastSequence);
        _durable.Flush(sequence, _tenants);
        Interlocked.Exchange(ref _persisted, sequence);
    }

    private DateTimeOffset? _streamCreated;

    private async Task Consume(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _broker.WhenReady(stop);
                await RestartIfTheStreamWasMadeAgain(stop);
                var config = new ConsumerConfig
                {
                    AckPolicy = ConsumerConfigAckPolicy.None,
                    DeliverPolicy = _lastSequence == 0 ? ConsumerConfigDeliverPolicy.All : ConsumerConfigDeliverPolicy.ByStartSequence,
                    InactiveThreshold = TimeSpan.FromMinutes(1),
                };
                if (_lastSequence > 0) config.OptStartSeq = (ulong)_lastSequence + 1;
                var consumer = await _broker.JetStream.CreateOrUpdateConsumerAsync(_broker.Options.EventsStream, config, stop);
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 512, Expires = _broker.Options.PullExpiry }, cancellationToken: stop))
                {
                    Apply(msg.Headers, msg.Data);
                    if (msg.Metadata is { } metadata) Interlocked.Exchange(ref _lastSequence, (long)metadata.Sequence.Stream);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Consuming events failed after stream sequence {Sequence}; consuming again.", _lastSequence);
                await _broker.RestoreStreamsAsync(stop);
                try { await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, stop); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>
    /// When the events stream was created after the one this projector consumed (or, after a restart, ends before the
    /// sequence it consumed up to), it was made again (deleted, or a broker restarted without its storage): consuming
    /// after that sequence would wait for numbers the new stream reaches only later, and miss every event until then. It consumes the new stream from its start
    /// instead; what a model already holds is skipped by its position.
    /// </summary>
    private async Task RestartIfTheStreamWasMadeAgain(CancellationToken stop)
    {
        var seen = Interlocked.Read(ref _lastSequence);
        var stream = await _broker.JetStream.GetStreamAsync(_broker.Options.EventsStream, cancellationToken: stop);
        var created = stream.Info.Created;
        // In this process, the stream's creation time tells; after a restart, a stream that ends before what was consumed.
        var madeAgain = (_streamCreated is { } known && known != created) || (long)stream.Info.State.LastSeq < seen;
        _streamCreated = created;
        if (seen == 0 || !madeAgain) return;
        _logger.LogWarning("The events stream {Stream} ends at sequence {Last}, before sequence {Seen} this projector consumed up to: it was made again. " +
            "Consuming it from its start; events at or below a model's position are skipped.", _broker.Options.EventsStream, stream.Info.State.LastSeq, seen);
        Interlocked.Exchange(ref _lastSequence, 0);
    }

    /// <summary>Folds one message; true when it was a new event.</summary>
    internal bool Apply(NATS.Client.Core.NatsHeaders? headers, byte[]? body)
    {
        var (e, problem) = NatsEventHeaders.EventOf(headers, body);
        if (e is null)
        {
            Interlocked.Increment(ref _malformed);
            _logger.LogWarning("An event message was skipped: {Problem}.", problem);
            return false;
        }
        var views = _tenants.GetOrAdd(e.Tenant, _ => new ProjectorTenantViews(_models));
        if (!views.Fold(e, failure => _logger.LogError(failure.InnerException,
                "{Failure} The model stops folding this tenant's events and its reads fail; fix the reducer and bump the model's version to rebuild it.",
                failure.Message)))
        {
            Interlocked.Increment(ref _duplicates);
            return false;
        }
        return true;
    }

    /// <inheritdoc />
    public bool Knows(string model) => _models.Any(m => m.Name == model);

    /// <inheritdoc />
    public Task<ReadModelView> Read(string tenant, string model, string scope, CancellationToken ct) =>
        Task.FromResult(ViewOf(tenant, model, scope));

    /// <inheritdoc />
    public async Task<ReadModelView> ReadAtLeast(string tenant, string model, string scope, long position, CancellationToken ct)
    {
        var views = _tenants.GetOrAdd(tenant, _ => new ProjectorTenantViews(_models));
        while (views.Position < position) await views.Changed(position, ct);
        return ViewOf(tenant, model, scope);
    }

    private ReadModelView ViewOf(string tenant, string model, string scope)
    {
        var index = Array.FindIndex(_models, m => m.Name == model);
        if (index < 0) throw new ArgumentException($"No read model is named '{model}'.", nameof(model));
        var views = _tenants.GetOrAdd(tenant, _ => new ProjectorTenantViews(_models));
        if (views.FailureOf(index) is { } failure) throw failure;
        var (pieces, position) = views.Snapshot(index);
        return new ReadModelView(model, tenant, scope, _models[index].View.Invoke(scope).Invoke(pieces), position);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        try { await _flushing; } catch (OperationCanceledException) { }
        Flush();
        _stop.Dispose();
    }
}
