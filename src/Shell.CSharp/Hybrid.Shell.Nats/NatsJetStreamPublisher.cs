using System.Collections.Concurrent;
using System.Text;
using Hybrid.Shell.Producers;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Hybrid.Shell.Nats;

/// <summary>
/// Publishes a producer's messages to JetStream on per-tenant subjects (<see cref="BrokerSubjects.events"/>), with the
/// event id as the message id (<c>Nats-Msg-Id</c>) and the source event's envelope in headers
/// (<see cref="NatsEventHeaders"/>: the whole envelope with <paramref name="envelope"/>, what projectors need; else
/// tenant, event id, position and type). A batch is published pipelined and every acknowledgement awaited; an
/// acknowledgement JetStream marks as a duplicate counts as published (the message is already stored).
/// </summary>
public sealed class NatsJetStreamPublisher(NatsBroker broker, bool envelope = true) : IIntegrationPublisher
{
    // Subjects by (tenant, suffix): a producer publishes few of them, many times each.
    private readonly ConcurrentDictionary<(string Tenant, string Suffix), string> _subjects = new();

    /// <inheritdoc />
    public async Task<PublishOutcome> PublishAsync(IReadOnlyList<IntegrationPublication> messages, CancellationToken ct)
    {
        await broker.EnsureReady(ct);
        if (broker.Connection.ConnectionState != NatsConnectionState.Open)
            throw new BrokerUnavailableException(broker.UnavailableReason());
        var acks = new Task[messages.Count];
        for (var i = 0; i < messages.Count; i++) acks[i] = PublishOne(messages[i], ct);
        for (var i = 0; i < acks.Length; i++)
        {
            try { await acks[i]; }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
            catch (NatsJSDuplicateMessageException) { /* already stored: published */ }
            catch (Exception ex) when (IsRefusal(ex))
            {
                await DrainQuietly(acks, i + 1);
                return new PublishOutcome(i, ex.Message);
            }
            catch (Exception ex)
            {
                await DrainQuietly(acks, i + 1);
                if (i > 0) return new PublishOutcome(i, null); // the rest is published again, and waits for the broker then
                await broker.RestoreStreamsAsync(ct); // no stream took it (no responders): the broker may have lost it
                throw Unavailable(ex);
            }
        }
        return PublishOutcome.All(messages.Count);
    }

    private async Task PublishOne(IntegrationPublication publication, CancellationToken ct)
    {
        var key = (publication.Tenant, publication.Message.Subject);
        if (!_subjects.TryGetValue(key, out var subject))
            subject = _subjects.GetOrAdd(key, k => BrokerSubjects.events(broker.Options.Prefix, k.Tenant, k.Suffix));
        var ack = await broker.JetStream.PublishAsync(subject, Encoding.UTF8.GetBytes(publication.Message.Body),
            opts: new NatsJSPubOpts { MsgId = publication.Source.Id.ToString() }, headers: NatsEventHeaders.Of(publication, envelope), cancellationToken: ct);
        ack.EnsureSuccess();
    }


    /// <summary>A refusal concerns the message itself (too large, an error JetStream answered): retried, then dead-lettered.</summary>
    private static bool IsRefusal(Exception ex) => ex is NatsJSApiException or NatsPayloadTooLargeException;

    private static BrokerUnavailableException Unavailable(Exception ex) =>
        new($"{ex.GetType().Name}: {ex.Message}", ex);

    private static async Task DrainQuietly(Task[] acks, int from)
    {
        for (var i = from; i < acks.Length; i++)
        {
            try { await acks[i]; }
            catch (Exception) { /* the batch is published again from the first unacknowledged message */ }
        }
    }
}
