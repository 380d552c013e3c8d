using Hybrid.Testing.Nats;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Producers;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// A private NATS server, a broker connection with Hybrid's streams, and in-memory stores on real time, for
/// producer and command tests that run in the test process.
/// </summary>
internal sealed class BrokerBed : IAsyncDisposable
{
    private readonly List<TodoProcessorHost> _hosts = [];

    private BrokerBed(PrivateNatsServer server, NatsBroker broker, NatsBrokerOptions options)
    {
        Server = server;
        Broker = broker;
        Options = options;
    }

    public PrivateNatsServer Server { get; }
    public NatsBroker Broker { get; }
    public NatsBrokerOptions Options { get; }
    public InMemoryEventStore Store { get; } = new(TimeProvider.System);
    public InMemoryLeaseStore Leases { get; } = new(TimeProvider.System);
    public InMemoryDeadLetterStore DeadLetters { get; } = new();

    public static async Task<BrokerBed> StartAsync(Func<NatsBrokerOptions, NatsBrokerOptions>? tune = null)
    {
        var server = await PrivateNatsServer.StartAsync();
        var options = new NatsBrokerOptions { Url = server.Url };
        options = tune?.Invoke(options) ?? options;
        var broker = await NatsBroker.ConnectAsync(options, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        return new BrokerBed(server, broker, options);
    }

    /// <summary>A started node running the producers (short leases and polling, small batches).</summary>
    public async Task<TodoProcessorHost> Producing(params Producer[] producers)
    {
        var options = new ProcessorOptions
        {
            NodeId = $"producer-{_hosts.Count + 1}",
            LeaseDuration = TimeSpan.FromSeconds(4),
            RebalanceInterval = TimeSpan.FromMilliseconds(200),
            PollInterval = TimeSpan.FromMilliseconds(200),
            BatchSize = 16,
        };
        var runtime = new ProcessorRuntime(Store, Leases, DeadLetters, new EffectHandlers([]), TimeProvider.System, options, NullLogger.Instance);
        var publisher = new NatsJetStreamPublisher(Broker);
        var host = new TodoProcessorHost(runtime, [], producers.Select(p => new ProducerRegistration(p, publisher)));
        _hosts.Add(host);
        await host.StartAsync(CancellationToken.None);
        return host;
    }

    public async Task<RecordedEvent[]> Append(string tenant, params EventData[] events)
    {
        var proposed = events.Select(d => new ProposedEvent(Guid.CreateVersion7(), d, EventMetadata.Empty)).ToArray();
        var appended = await Store.Append(AppendRequest.Of(tenant, proposed), default);
        return Assert.IsType<AppendResult.Appended>(appended).Item;
    }

    /// <summary>Every message stored in a stream, in stream order, with its subject and headers.</summary>
    public async Task<List<INatsJSMsg<byte[]>>> Messages(string stream)
    {
        var consumer = await Broker.JetStream.CreateOrUpdateConsumerAsync(stream, new ConsumerConfig
        {
            AckPolicy = ConsumerConfigAckPolicy.None,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
        });
        var messages = new List<INatsJSMsg<byte[]>>();
        await foreach (var msg in consumer.FetchNoWaitAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 10_000 }))
            messages.Add(msg);
        return messages;
    }

    /// <summary>The commands waiting in the work queue.</summary>
    public async Task<long> Queued() => (await Broker.JetStream.GetStreamAsync(Options.CommandsStream)).Info.State.Messages;

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
        await Broker.DisposeAsync();
        Server.Dispose();
    }
}
