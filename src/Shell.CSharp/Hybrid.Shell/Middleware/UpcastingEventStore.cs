using System.Runtime.CompilerServices;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Middleware;

/// <summary>
/// Applies upcasters on every read path: stream reads, $all and query reads, reads by id, subscriptions, the envelopes
/// an append returns, and the events append conditions see. Upcasters chain in registration order, keyed by event type
/// and schema version. Processors, read models, queries and commands see upcast events when they run over this store.
/// </summary>
/// <remarks>
/// <para>A query or condition by a type an upcaster produces also finds the stored events upcast into it: the query is
/// widened to their stored types (<see cref="Upcasting.widen"/>), and the upcast parts are filtered by the asked query.
/// Tags are matched on the stored event.</para>
/// <para>Addressing: the parts of a split share the stored event's id, position and stream version; a read never
/// separates them, so a limited read may return more events than its limit (the limit counts stored events). Resume a
/// read or a checkpoint after a stored position, never inside one. A throwing upcaster fails the read with an
/// <see cref="UpcastFailedException"/> naming the event: nothing is skipped.</para>
/// </remarks>
public sealed class UpcastingEventStore : DelegatingEventStore
{
    private readonly Upcaster[] _upcasters;
    private readonly FSharpFunc<RecordedEvent, FSharpList<RecordedEvent>> _upcast;
    private readonly FSharpFunc<EventQuery, EventQuery> _widen;

    /// <summary>A decorator applying the upcasters in order; two for the same (type, schema version) are refused.</summary>
    public UpcastingEventStore(IEventStore inner, IEnumerable<Upcaster> upcasters) : base(inner)
    {
        _upcasters = upcasters.ToArray();
        var valid = Upcasting.validate(_upcasters);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(upcasters));
        _upcast = Upcasting.chainMany(_upcasters);
        _widen = Upcasting.widen(_upcasters);
    }

    /// <summary>A decorator applying a registry's upcasters.</summary>
    public static UpcastingEventStore Of(IEventStore inner, Registry registry) => new(inner, WriteSide.upcasters(registry));

    /// <summary>One stored event upcast to its current parts (usually one).</summary>
    public IReadOnlyList<RecordedEvent> Upcast(RecordedEvent e) => [.. _upcast.Invoke(e)];

    private RecordedEvent[] UpcastAll(RecordedEvent[] events) => events.SelectMany(e => _upcast.Invoke(e)).ToArray();

    /// <inheritdoc />
    public override async Task<AppendResult> Append(AppendRequest request, CancellationToken ct)
    {
        // A null request goes on untouched, for the store to refuse it as invalid input.
        if (request is null) return await Inner.Append(request!, ct).ConfigureAwait(false);
        var condition = Upcasting.widenCondition(_upcasters, _upcast, request.Condition);
        var widened = ReferenceEquals(condition, request.Condition) ? request : request.When(condition);
        return await Inner.Append(widened, ct).ConfigureAwait(false) switch
        {
            AppendResult.Appended appended => AppendResult.NewAppended(UpcastAll(appended.Item)),
            var failed => failed,
        };
    }

    /// <summary>
    /// Reads the widened query and keeps the upcast parts the asked query selects. With a limit, the limit counts stored
    /// events with a selected part, and pages go on until it is reached or the log is exhausted.
    /// </summary>
    public override async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        var wide = _widen.Invoke(query);
        if (query.Limit <= 0)
            return Upcasting.upcastPage(_upcast, query, await Inner.Read(tenant, wide, ct).ConfigureAwait(false));
        var result = new List<RecordedEvent>();
        var stored = 0;
        var cursor = wide;
        while (true)
        {
            var page = await Inner.Read(tenant, cursor, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                var parts = Upcasting.upcastPage(_upcast, query, [e]);
                if (parts.Length == 0) continue;
                result.AddRange(parts);
                if (++stored == query.Limit) return [.. result];
            }
            if (page.Length < cursor.Limit) return [.. result];
            var last = page[^1].Position;
            cursor = query.Direction == Direction.Backward
                ? new EventQuery(cursor.Items, cursor.After, last, cursor.Direction, cursor.Limit)
                : new EventQuery(cursor.Items, last, cursor.Before, cursor.Direction, cursor.Limit);
        }
    }

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) =>
        UpcastAll(await Inner.ReadStream(tenant, read, ct).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct) =>
        UpcastAll(await Inner.ReadById(tenant, id, ct).ConfigureAwait(false));

    /// <inheritdoc />
    public override IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct)
    {
        // Checked here, not at the first MoveNextAsync: bad input fails the call that made it, as on every store.
        StoreInput.Query(tenant, query);
        // The store's cancellation rule applies to the parts of a split event too: once cancelled, no further part.
        return SubscribeUpcast(tenant, query, ct).UntilCancelled(ct);
    }

    private async IAsyncEnumerable<SubscriptionMessage> SubscribeUpcast(string tenant, EventQuery query,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var message in Inner.Subscribe(tenant, _widen.Invoke(query), ct).WithCancellation(ct).ConfigureAwait(false))
        {
            if (message is not SubscriptionMessage.Event e)
            {
                yield return message;
                continue;
            }
            foreach (var part in Upcasting.upcastPage(_upcast, new EventQuery(query.Items, query.After, query.Before, Direction.Forward, 0), [e.Item]))
                yield return SubscriptionMessage.NewEvent(part);
        }
    }
}
