using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Shell.Nats;

/// <summary>
/// Keeps read models in a projector process from the broker's event stream instead of the store: it consumes every
/// tenant's events (the whole events stream, published by a <c>Producer.recorded</c> producer), rebuilds each recorded event from its headers and
/// folds it with the application's own read-model definitions, in memory (a restarted projector folds the stream again
/// from its start). De-duplication by event id: an event's id is bound to its position, and events arrive in position
/// order per tenant, so an event at or below the position already folded (a repeat published after JetStream's
/// de-duplication window, e.g. by a producer that lost its lease) is skipped. Reads are
/// <see cref="IReadModelViews"/>, so the application's queries run over it unchanged.
/// </summary>
public sealed class NatsProjector : IReadModelViews, IAsyncDisposable
{
    private readonly NatsBroker _broker;
    private readonly ReadModelDefinition[] _models;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TenantViews> _tenants = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private ulong _lastSequence;
    private long _duplicates;
    private long _malformed;

    /// <summary>A projector of these read models (whole-tenant scope only); throws naming a model it cannot keep.</summary>
    public NatsProjector(NatsBroker broker, IEnumerable<ReadModelDefinition> models, TimeProvider clock, ILogger logger)
    {
        _broker = broker;
        _models = models.ToArray();
        foreach (var model in _models)
            if (!model.Scope.IsWholeTenant)
                throw new ArgumentException($"Read model '{model.Name}' is scoped; a broker projector keeps whole-tenant models only.", nameof(models));
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The last position folded per tenant.</summary>
    public IReadOnlyDictionary<string, long> Positions => _tenants.ToDictionary(t => t.Key, t => t.Value.Position, StringComparer.Ordinal);

    /// <summary>Repeated events skipped.</summary>
    public long DuplicatesSkipped => Interlocked.Read(ref _duplicates);

    /// <summary>Messages that carried no recorded event (skipped, logged).</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Starts consuming the event stream from its start.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        _loop = Consume(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task Consume(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var config = new ConsumerConfig
                {
                    AckPolicy = ConsumerConfigAckPolicy.None,
                    DeliverPolicy = _lastSequence == 0 ? ConsumerConfigDeliverPolicy.All : ConsumerConfigDeliverPolicy.ByStartSequence,
                    InactiveThreshold = TimeSpan.FromMinutes(1),
                };
                if (_lastSequence > 0) config.OptStartSeq = _lastSequence + 1;
                var consumer = await _broker.JetStream.CreateOrUpdateConsumerAsync(_broker.Options.EventsStream, config, stop);
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 512 }, cancellationToken: stop))
                {
                    Apply(msg.Headers, msg.Data);
                    if (msg.Metadata is { } metadata) _lastSequence = metadata.Sequence.Stream;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Consuming events failed after stream sequence {Sequence}; consuming again.", _lastSequence);
                try { await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, stop); } catch (OperationCanceledException) { return; }
            }
        }
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
        var views = _tenants.GetOrAdd(e.Tenant, _ => new TenantViews(_models));
        if (!views.Fold(e, _models))
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
        var views = _tenants.GetOrAdd(tenant, _ => new TenantViews(_models));
        while (views.Position < position) await views.Changed(position, ct);
        return ViewOf(tenant, model, scope);
    }

    private ReadModelView ViewOf(string tenant, string model, string scope)
    {
        var index = Array.FindIndex(_models, m => m.Name == model);
        if (index < 0) throw new ArgumentException($"No read model is named '{model}'.", nameof(model));
        var views = _tenants.GetOrAdd(tenant, _ => new TenantViews(_models));
        var (pieces, position) = views.Snapshot(index);
        return new ReadModelView(model, tenant, scope, _models[index].View.Invoke(scope).Invoke(pieces), position);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    /// <summary>One tenant's folded pieces of every model and the last position folded.</summary>
    private sealed class TenantViews(ReadModelDefinition[] models)
    {
        private readonly FSharpMap<string, object>[] _pieces = models.Select(m => m.Initial).ToArray();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Position { get; private set; }

        public bool Fold(RecordedEvent e, ReadModelDefinition[] definitions)
        {
            lock (this)
            {
                if (e.Position <= Position) return false;
                for (var i = 0; i < definitions.Length; i++)
                    if (definitions[i].EventTypes.Contains(e.Type))
                        _pieces[i] = definitions[i].Step.Invoke(_pieces[i]).Invoke(e).Item1;
                Position = e.Position;
                var changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                changed.SetResult();
                return true;
            }
        }

        public (FSharpMap<string, object> Pieces, long Position) Snapshot(int index)
        {
            lock (this) return (_pieces[index], Position);
        }

        /// <summary>Completes when a fold happened, at once when the position is already reached.</summary>
        public Task Changed(long position, CancellationToken ct)
        {
            lock (this) return Position >= position ? Task.CompletedTask : _changed.Task.WaitAsync(ct);
        }
    }
}
