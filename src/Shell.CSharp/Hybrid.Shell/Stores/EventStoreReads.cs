using System.Runtime.CompilerServices;

namespace Hybrid.Shell.Stores;

/// <summary>Reads every store offers through the <see cref="IEventStore"/> contract, with or without a native form.</summary>
public static class EventStoreReads
{
    private const int ScanPage = 1024;

    /// <summary>
    /// The event with this id (several parts when an upcaster split it; none when no event has it). Stores implementing
    /// <see cref="IEventByIdReader"/> answer from their id index; for others the tenant's log is scanned.
    /// </summary>
    public static async Task<RecordedEvent[]> ReadById(this IEventStore store, string tenant, Guid id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is IEventByIdReader reader) return await reader.ReadById(tenant, id, ct).ConfigureAwait(false);
        var query = EventQuery.All.Take(ScanPage);
        while (true)
        {
            var page = await store.Read(tenant, query, ct).ConfigureAwait(false);
            var found = page.Where(e => e.Id == id).ToArray();
            if (found.Length > 0 || page.Length < ScanPage) return found;
            query = query.AfterPosition(page[^1].Position);
        }
    }

    /// <summary>
    /// A subscription through a filter: the store delivers what matches the filter's query (catch-up, a caught-up marker,
    /// then live); the stream prefix and the predicate are applied to each event here, so every store behaves alike.
    /// Caught-up markers always pass.
    /// </summary>
    public static IAsyncEnumerable<SubscriptionMessage> Subscribe(this IEventStore store, string tenant, SubscriptionFilter filter,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        // Asked for here, not at the first MoveNextAsync: the store checks the tenant and the query in the call itself,
        // so bad input fails the call that made it, as it does without a filter.
        var messages = store.Subscribe(tenant, filter.Query, ct);
        return Filtered(messages, filter, ct);
    }

    private static async IAsyncEnumerable<SubscriptionMessage> Filtered(IAsyncEnumerable<SubscriptionMessage> messages,
        SubscriptionFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var message in messages.WithCancellation(ct).ConfigureAwait(false))
        {
            if (message is SubscriptionMessage.Event e && !SubscriptionFilterModule.accepts(filter, e.Item)) continue;
            yield return message;
        }
    }
}
