// The broker topology measured next to its raw baselines in the same run: a producer against plain NATS.Net publishes
// to JetStream, and a command round trip through the broker against the same command over HTTP.
using System.Diagnostics;
using System.Text;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Producers;
using Hybrid.Testing.Nats;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.JetStream;

namespace Hybrid.Bench.Broker;

/// <summary>Measures <c>broker.publish</c> (with <c>raw.nats.publish</c>) and <c>broker.command</c> / <c>http.command</c> latencies.</summary>
public sealed partial class BrokerBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const int Window = 256;
    private const string Body = """{"order":"0000000000","region":"eu","amount":1999}""";

    /// <summary>Runs the broker benchmarks the options ask for on a private nats-server.</summary>
    public async Task Run(BenchOptions options)
    {
        using var server = await PrivateNatsServer.StartAsync();
        report.Machine["nats"] = "nats-server (private, JetStream on a temp directory)";
        if (options.Wants("broker.publish") || options.Wants("raw.nats")) await Publish(server);
        if (options.Wants("broker.command") || options.Wants("http.command")) await Commands(server);
    }

    private int Events => Math.Max(200, sizes.ProcessorSamples * 100);

    private const int Rounds = 5;

    private async Task Publish(PrivateNatsServer server)
    {
        // Both sides warmed up (compiled), then raw and producer runs interleaved, so that both see the same swings of the
        // machine's load; each side reports its median, and the ratio is of the medians.
        await RawPublish(server, Window * 4);
        await ProducerPublish(server, "warmup", Window * 4);
        var raws = new List<double>();
        var produced = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            raws.Add(await RawPublish(server, Events));
            produced.Add(await ProducerPublish(server, $"bench{round}", Events));
        }
        var raw = Median(raws);
        var producer = Median(produced);
        var rawMetric = new Metric
        {
            Name = "raw.nats.publish", Value = raw, Unit = "ev/s",
            Params = new Dictionary<string, object>
            {
                ["events"] = Events, ["window"] = Window, ["rounds"] = Rounds, ["runs"] = Runs(raws),
                ["how"] = "NATS.Net JetStream PublishAsync with a message id, 256 in flight, every ack awaited; the median of runs interleaved with the producer's",
            },
        };
        report.Add(rawMetric);
        report.Add(new Metric
        {
            Name = "broker.publish", Value = producer, Unit = "ev/s",
            Params = new Dictionary<string, object>
            {
                ["events"] = Events, ["batch"] = Window, ["batches_in_flight"] = new ProcessorOptions().ProducerBatchesInFlight, ["store"] = "in-memory", ["tenant"] = "one",
                ["rounds"] = Rounds, ["runs"] = Runs(produced),
                ["headers"] = "tenant, event id, position, type (envelope: false)",
                ["how"] = "the median of runs of a producer over events already in the store: the host starts and takes the lease, then the producer reads batches, maps, publishes with message ids keeping batches in flight, awaits the oldest batch's acks and moves the checkpoint; timed from the host's start to the last event acknowledged",
            },
        }.Against(rawMetric));
        log.WriteLine($"  broker.publish {producer:N0} ev/s, raw {raw:N0} ev/s ({producer / raw:0.00}x); runs (ev/s): raw {Runs(raws)}; producer {Runs(produced)}");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Runs(List<double> values) => string.Join(" ", values.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));

    private static async Task<double> RawPublish(PrivateNatsServer server, int events)
    {
        await using var broker = await NatsBroker.ConnectAsync(new NatsBrokerOptions { Url = server.Url, Prefix = "raw" });
        var body = Encoding.UTF8.GetBytes(Body);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < events; start += Window)
        {
            var acks = new Task[Math.Min(Window, events - start)];
            for (var i = 0; i < acks.Length; i++)
                acks[i] = Ack(broker.JetStream.PublishAsync($"raw.events.bench.OrderPlaced", body, opts: new NatsJSPubOpts { MsgId = Guid.CreateVersion7().ToString() }));
            await Task.WhenAll(acks);
        }
        return events / clock.Elapsed.TotalSeconds;

        static async Task Ack(ValueTask<NATS.Client.JetStream.Models.PubAckResponse> publish) => (await publish).EnsureSuccess();
    }

    private static async Task<double> ProducerPublish(PrivateNatsServer server, string prefix, int events)
    {
        await using var broker = await NatsBroker.ConnectAsync(new NatsBrokerOptions { Url = server.Url, Prefix = prefix });
        var store = new InMemoryEventStore(TimeProvider.System);
        ProposedEvent Order() => new(Guid.CreateVersion7(), EventData.Tagged("OrderPlaced", Body, "region:eu"), EventMetadata.Empty);
        var options = new ProcessorOptions
        {
            NodeId = "bench-producer", LeaseDuration = TimeSpan.FromSeconds(30), RebalanceInterval = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromSeconds(5), BatchSize = Window,
        };
        var runtime = new ProcessorRuntime(store, new InMemoryLeaseStore(TimeProvider.System), new InMemoryDeadLetterStore(), new EffectHandlers([]),
            TimeProvider.System, options, NullLogger.Instance);
        var producer = Producer.Create("bench-orders", [QueryItem.OfTypes("OrderPlaced")],
            e => Microsoft.FSharp.Core.FSharpOption<IntegrationMessage>.Some(new IntegrationMessage(e.Type, e.Type, e.Body)));
        // The events are in the store before the clock starts (appending them is the workload, not the producer's work);
        // what is timed is the host's start (taking the tenant's lease, claiming the checkpoint: a few milliseconds) and
        // the producer reading, mapping and publishing every event until the last is acknowledged.
        for (var start = 0; start < events; start += 1000)
            await store.Append(AppendRequest.Of("bench", Enumerable.Range(0, Math.Min(1000, events - start)).Select(_ => Order()).ToArray()), default);
        await using var host = new TodoProcessorHost(runtime, [], [new ProducerRegistration(producer, new NatsJetStreamPublisher(broker, envelope: false))]);
        var clock = Stopwatch.StartNew();
        await host.StartAsync(default);
        while (host.PositionOf("bench-orders", "bench") is not { } p || p < events)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("The producer did not publish every event within 5 minutes.");
            await Task.Delay(1);
        }
        var elapsed = clock.Elapsed;
        await host.StopAsync(default);
        return events / elapsed.TotalSeconds;
    }
}
