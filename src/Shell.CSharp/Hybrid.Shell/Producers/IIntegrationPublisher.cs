namespace Hybrid.Shell.Producers;

/// <summary>
/// Publishes integration messages to a broker and waits for its acknowledgements. The message id is the event id, so
/// publishing a message again is a repeat the broker (within its window) and Hybrid's consumers (always) ignore.
/// </summary>
public interface IIntegrationPublisher
{
    /// <summary>
    /// Publishes the messages in order and waits for the broker to acknowledge them. Returns how many leading messages
    /// were acknowledged and, when one was refused (a poison message: too large, no stream for its subject…), why.
    /// Throws <see cref="BrokerUnavailableException"/> when the broker cannot be reached: nothing is known to be published.
    /// </summary>
    Task<PublishOutcome> PublishAsync(IReadOnlyList<IntegrationPublication> messages, CancellationToken ct);
}

/// <summary>One message to publish for one recorded event.</summary>
/// <param name="Tenant">The event's tenant: the subject is per tenant.</param>
/// <param name="Source">The recorded event (its id is the message id).</param>
/// <param name="Message">What the producer's mapping made of it.</param>
public sealed record IntegrationPublication(string Tenant, RecordedEvent Source, IntegrationMessage Message);

/// <summary>How a publish went: the leading <paramref name="Acknowledged"/> messages are stored by the broker; when
/// <paramref name="Refusal"/> is set, the next message was refused for that reason.</summary>
public sealed record PublishOutcome(int Acknowledged, string? Refusal)
{
    /// <summary>Every message acknowledged.</summary>
    public static PublishOutcome All(int count) => new(count, null);
}

/// <summary>The broker cannot be reached (down, disconnected, not answering): the producer waits and publishes again.</summary>
public sealed class BrokerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
