using System.Runtime.CompilerServices;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Middleware;

/// <summary>
/// Applies upcasters on every read path: stream reads, $all and query reads, subscriptions, and the envelopes an
/// append returns. Upcasters chain in registration order, keyed by event type and schema version.
/// </summary>
/// <remarks>
/// Filtering happens in the inner store on the stored type and tags: a query for an upcaster's new type does not
/// find events stored under the old type. Query by the stored type, or by tags.
/// </remarks>
public sealed class UpcastingEventStore : DelegatingEventStore
{
    private readonly FSharpFunc<RecordedEvent, RecordedEvent> _upcast;

    /// <summary>A decorator applying the upcasters in order; two for the same (type, schema version) are refused.</summary>
    public UpcastingEventStore(IEventStore inner, IEnumerable<Upcaster> upcasters) : base(inner)
    {
        var list = upcasters.ToArray();
        var valid = Upcasting.validate(list);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(upcasters));
        _upcast = Upcasting.chain(list);
    }

    /// <summary>A decorator applying a registry's upcasters.</summary>
    public static UpcastingEventStore Of(IEventStore inner, Registry registry) => new(inner, WriteSide.upcasters(registry));

    /// <summary>One event upcast to its current schema.</summary>
    public RecordedEvent Upcast(RecordedEvent e) => _upcast.Invoke(e);

    private RecordedEvent[] UpcastAll(RecordedEvent[] events) => Array.ConvertAll(events, Upcast);

    /// <inheritdoc />
    public override async Task<AppendResult> Append(AppendRequest request, CancellationToken ct) =>
        await Inner.Append(request, ct).ConfigureAwait(false) switch
        {
            AppendResult.Appended appended => AppendResult.NewAppended(UpcastAll(appended.Item)),
            var failed => failed,
        };

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) =>
        UpcastAll(await Inner.Read(tenant, query, ct).ConfigureAwait(false));

    /// <inheritdoc />
    public override async Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) =>
        UpcastAll(await Inner.ReadStream(tenant, read, ct).ConfigureAwait(false));

    /// <inheritdoc />
    public override IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct) =>
        SubscribeUpcast(tenant, query, ct);

    private async IAsyncEnumerable<SubscriptionMessage> SubscribeUpcast(string tenant, EventQuery query,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var message in Inner.Subscribe(tenant, query, ct).WithCancellation(ct).ConfigureAwait(false))
        {
            yield return message is SubscriptionMessage.Event e ? SubscriptionMessage.NewEvent(Upcast(e.Item)) : message;
        }
    }
}
