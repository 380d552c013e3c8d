using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.EventStore;

/// <summary>
/// The reference implementation of the event store contract, kept in memory: fast tests, simulations, and a model
/// for store authors. Thread-safe: one lock per tenant; reads and subscriptions never hold it while awaiting.
/// </summary>
/// <remarks>
/// Deleting a stream marks a tombstone at its last version: its events vanish from stream reads but stay in $all,
/// the stream then counts as "no stream" for expected versions, and a re-created stream continues after the
/// deleted versions (they are never reused). A subscription from a position beyond the head waits there: it
/// delivers only events above its position and reports CaughtUp at that position. Appended tag arrays are copied;
/// the events reads return are shared, so callers must not change their arrays.
/// </remarks>
public sealed class InMemoryEventStore : IEventStore, IEventByIdReader, IEventPurger
{
    private readonly ConcurrentDictionary<string, TenantLog> _tenants = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly InputLimits _limits;

    /// <summary>A store using the given clock for timestamps (the system clock by default) and input limits.</summary>
    public InMemoryEventStore(TimeProvider? clock = null, InputLimits? limits = null)
    {
        _clock = clock ?? TimeProvider.System;
        _limits = limits ?? InputLimits.Default;
    }

    /// <summary>How many events this store holds across tenants.</summary>
    public long Count => _tenants.Values.Sum(t => { lock (t.Gate) return t.Head; });

    /// <inheritdoc />
    public Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        AppendModule.validateOrThrow(_limits, request);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(request.Tenant);
        AppendDecision decision;
        lock (log.Gate)
        {
            decision = AppendModule.decide(log, _clock.GetUtcNow(), request);
            if (decision is AppendDecision.Write write) log.Write(write.Item);
        }
        return Task.FromResult(decision.Result);
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        ct.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var log)) return Task.FromResult(Array.Empty<RecordedEvent>());
        lock (log.Gate) return Task.FromResult(log.Select(query));
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct)
    {
        StoreInput.StreamRead(tenant, read);
        ct.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var log)) return Task.FromResult(Array.Empty<RecordedEvent>());
        lock (log.Gate) return Task.FromResult(log.ReadStream(read));
    }

    /// <inheritdoc />
    public Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        ct.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var log)) return Task.FromResult(Array.Empty<RecordedEvent>());
        lock (log.Gate) return Task.FromResult(log.TryGetStored(id, out var stored) ? new[] { stored } : []);
    }

    /// <inheritdoc />
    public Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        ct.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var log)) return Task.FromResult(new StreamState(0, 0));
        lock (log.Gate) return Task.FromResult(log.StateOf(stream));
    }

    /// <inheritdoc />
    public Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        StoreInput.Expected(tenant, "expected", expected);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(tenant);
        lock (log.Gate)
        {
            var state = log.StateOf(stream);
            var verdict = AppendConditionModule.checkVersion(stream, expected, state.Version, state.IsLive);
            if (verdict.IsError) return Task.FromResult(DeleteResult.NewDeleteFailed(verdict.ErrorValue));
            if (state.Version > 0) log.StreamOf(stream).DeletedUpTo = state.Version;
            return Task.FromResult(DeleteResult.NewStreamDeleted(state.Version));
        }
    }

    /// <inheritdoc />
    public Task<PurgeResult> Purge(PurgeRequest request, CancellationToken ct)
    {
        Purging.validateOrThrow(request);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(request.Tenant);
        lock (log.Gate)
        {
            var (events, stream) = log.PurgeTarget(request.Target);
            var planned = Purging.admit(request, log, Purging.plan(request, log.Head, stream, events));
            if (planned.IsError) return Task.FromResult(PurgeResult.NewPurgeRefused(planned.ErrorValue));
            var plan = planned.ResultValue;
            // The audit append is decided first: if it were not written, nothing of the purge would be.
            var audit = plan.Audit is { } proposed ? AppendModule.decide(log, _clock.GetUtcNow(), AppendRequest.Of(request.Tenant, proposed.Value)) : null;
            if (audit is not (null or AppendDecision.Write)) throw new InvalidOperationException($"Tenant '{request.Tenant}': the purge's audit event was not written.");
            log.Purge(plan);
            if (audit is AppendDecision.Write write) log.Write(write.Item);
            else if (plan.Placeholders.Length > 0) log.SignalChange();
            var recorded = audit is null ? null : FSharpOption<RecordedEvent>.Some(audit.Result is AppendResult.Appended appended ? appended.Item[0] : throw new InvalidOperationException("The audit append was not written."));
            return Task.FromResult(PurgeResult.NewPurged(plan.Placeholders.Select(e => e.Position).ToArray(), recorded));
        }
    }

    /// <inheritdoc />
    public Task<long> GetHead(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        ct.ThrowIfCancellationRequested();
        if (!_tenants.TryGetValue(tenant, out var log)) return Task.FromResult(0L);
        lock (log.Gate) return Task.FromResult(log.Head);
    }

    /// <inheritdoc />
    public Task<string[]> GetTenants(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(_tenants.Where(t => { lock (t.Value.Gate) return t.Value.Head > 0; })
            .Select(t => t.Key).Order(StringComparer.Ordinal).ToArray());
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        // Checked here, not at the first MoveNextAsync: bad input fails the call that made it, as on every store.
        StoreInput.Query(tenant, query);
        return Following(tenant, query, ct).UntilCancelled(ct);
    }

    private async IAsyncEnumerable<SubscriptionMessage> Following(string tenant, EventQuery query,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var log = LogOf(tenant);
        const int batchSize = 512;
        var position = query.After;
        var caughtUp = false;
        while (!ct.IsCancellationRequested)
        {
            RecordedEvent[] batch;
            long scannedTo;
            Task changed;
            lock (log.Gate)
            {
                // A subscription may start beyond the head: it then waits there, never moving back.
                scannedTo = Math.Max(position, Math.Min(log.Head, position + batchSize));
                batch = scannedTo > position
                    ? log.Select(new EventQuery(query.Items, position, scannedTo + 1, Direction.Forward, 0))
                    : [];
                changed = scannedTo >= log.Head ? log.NextChange() : Task.CompletedTask;
            }
            foreach (var e in batch) yield return SubscriptionMessage.NewEvent(e);
            position = scannedTo;
            if (!changed.IsCompleted)
            {
                if (!caughtUp)
                {
                    caughtUp = true;
                    yield return SubscriptionMessage.NewCaughtUp(position);
                }
                try { await changed.WaitAsync(ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
        }
    }

    /// <inheritdoc />
    public Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(tenant);
        lock (log.Gate) return Task.FromResult(log.CheckpointOf(processor));
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct)
    {
        StoreInput.Claim(tenant, processor, fencingToken);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(tenant);
        lock (log.Gate)
        {
            var claimed = Fencing.claim(tenant, processor, log.CheckpointOf(processor), fencingToken);
            if (claimed.IsOk) log.SetCheckpoint(processor, claimed.ResultValue);
            return Task.FromResult(claimed);
        }
    }

    /// <inheritdoc />
    public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct)
    {
        StoreInput.CheckpointWrite(tenant, write);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(tenant);
        lock (log.Gate)
        {
            var written = Fencing.write(tenant, log.CheckpointOf(write.Processor), write);
            if (written.IsOk) log.SetCheckpoint(write.Processor, written.ResultValue);
            return Task.FromResult(written);
        }
    }

    /// <inheritdoc />
    public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        StoreInput.Position(tenant, "position", position);
        ct.ThrowIfCancellationRequested();
        var log = LogOf(tenant);
        lock (log.Gate) log.SetCheckpoint(processor, new Checkpoint(position, log.CheckpointOf(processor).Fence));
        return Task.CompletedTask;
    }

    private TenantLog LogOf(string tenant) => _tenants.GetOrAdd(tenant, static _ => new TenantLog());
}
