using System.Runtime.CompilerServices;

namespace Hybrid.Shell.Stores;

/// <summary>
/// The one rule of a cancelled subscription, which every store's <see cref="IEventStore.Subscribe"/> applies to what it
/// delivers: once the token is cancelled nothing more is delivered and the sequence ends, however many events the store
/// has already read ahead (a catch-up batch, a subscriber buffer).
/// </summary>
public static class SubscriptionCancellation
{
    /// <summary>The store's messages until <paramref name="ct"/> is cancelled; then the sequence ends.</summary>
    public static async IAsyncEnumerable<SubscriptionMessage> UntilCancelled(this IAsyncEnumerable<SubscriptionMessage> messages,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (ct.IsCancellationRequested) yield break;
        await foreach (var message in messages.WithCancellation(ct).ConfigureAwait(false))
        {
            if (ct.IsCancellationRequested) yield break;
            yield return message;
        }
    }
}
