using Hybrid.Shell.Hosting;
using Hybrid.Shell.Producers;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// Pins the order of a producer's messages across a broker outage. A JetStream server that comes back can refuse the
/// first message of a pipelined send while its streams recover and store the next: publishing the batch again then put
/// the first after the second. A client that has not noticed the broker went away buffers what it is given and sends
/// it when the broker is back, where the same can happen. The first message of a batch, and the first after an outage,
/// go alone.
/// </summary>
public sealed class ProducerOrderAfterOutageTests
{
    /// <summary>A broker that is down, or recovering (for one call: the first message fails, the rest is stored), or up.</summary>
    private sealed class RecoveringBroker : IIntegrationPublisher
    {
        private readonly List<Guid> _stored = [];
        private readonly List<IntegrationPublication> _buffered = [];
        public volatile bool Down;
        public volatile bool DownUnnoticed;
        public int RecoveringCalls;
        public int FailedCalls;

        public Guid[] Stored { get { lock (_stored) return [.. _stored]; } }

        /// <summary>The broker is back: the client sends what it buffered; the first is refused, the rest stored.</summary>
        public void BackWithBufferedMessages()
        {
            lock (_stored)
            {
                foreach (var m in _buffered.Skip(1))
                    if (!_stored.Contains(m.Source.Id)) _stored.Add(m.Source.Id);
                _buffered.Clear();
                DownUnnoticed = false;
            }
        }

        public Task<PublishOutcome> PublishAsync(IReadOnlyList<IntegrationPublication> messages, CancellationToken ct)
        {
            lock (_stored)
            {
                if (DownUnnoticed)
                {
                    FailedCalls++;
                    _buffered.AddRange(messages);
                    return Task.FromException<PublishOutcome>(new BrokerUnavailableException("no acknowledgement in time"));
                }
                if (Down)
                {
                    FailedCalls++;
                    return Task.FromException<PublishOutcome>(new BrokerUnavailableException("the broker is down"));
                }
                var recovering = RecoveringCalls > 0;
                if (recovering) RecoveringCalls--;
                foreach (var m in messages.Skip(recovering ? 1 : 0))
                    if (!_stored.Contains(m.Source.Id)) _stored.Add(m.Source.Id);
                if (recovering) return Task.FromException<PublishOutcome>(new BrokerUnavailableException("no responders: the stream is recovering"));
                return Task.FromResult(PublishOutcome.All(messages.Count));
            }
        }
    }

    private static IHost HostPublishingTo(RecoveringBroker broker)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UseInMemory();
            hybrid.AddProducer(Producer.Create("orders", [QueryItem.OfTypes("OrderPlaced")],
                    e => FSharpOption<IntegrationMessage>.Some(new IntegrationMessage("orders.placed", "order-placed", e.Body)))
                .WithRetry(new RetryPolicy(2, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), 0.5)), _ => broker);
            hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(100);
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        return builder.Build();
    }

    private static ProposedEvent Order(int n) => new(Guid.CreateVersion7(), EventData.Tagged("OrderPlaced", $$"""{"order":{{n}}}""", $"order:{n}"), EventMetadata.Empty);

    /// <summary>Publishes order 1, takes the broker away, appends orders 2 and 3, brings it back; asserts 1, 2, 3 stored.</summary>
    private static async Task PublishedInOrderAcross(Action<RecoveringBroker> away, Action<RecoveringBroker> back)
    {
        var broker = new RecoveringBroker();
        using var host = HostPublishingTo(broker);
        var store = host.Services.GetRequiredService<IEventStore>();
        await host.StartAsync();
        var first = Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of("acme", Order(1)), default)).Item;
        await Eventually.Until(() => Task.FromResult(broker.Stored.Length == 1), "the first order is published");

        away(broker);
        var waiting = Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of("acme", Order(2), Order(3)), default)).Item;
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref broker.FailedCalls) >= 2), "the producer tried while the broker was away");
        back(broker);

        await Eventually.Until(async () => (await store.ReadCheckpoint("acme", "orders", default)).Position == 3, "the producer caught up");
        Assert.Equal([first[0].Id, waiting[0].Id, waiting[1].Id], broker.Stored);
        await host.StopAsync();
    }

    [Fact]
    public Task after_a_broker_outage_the_producer_publishes_the_waiting_events_in_order() =>
        PublishedInOrderAcross(broker => broker.Down = true, broker =>
        {
            Interlocked.Exchange(ref broker.RecoveringCalls, 1);
            broker.Down = false;
        });

    [Fact]
    public Task events_given_to_a_client_that_has_not_noticed_the_outage_reach_the_broker_in_order() =>
        PublishedInOrderAcross(broker => broker.DownUnnoticed = true, broker => broker.BackWithBufferedMessages());
}
