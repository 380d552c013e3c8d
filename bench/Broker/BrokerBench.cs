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

    private async Task Publish(PrivateNatsServer server)
    {
        // Warmed up, and measured before and after the producer: the faster of the two is the baseline.
        await RawPublish(server, Window * 4);
        var before = await RawPublish(server, Events);
        // Both sides get the faster of two runs (the machine's load swings between runs).
        var produced = Math.Max(await ProducerPublish(server, "bench1"), await ProducerPublish(server, "bench2"));
        var raw = Math.Max(before, await RawPublish(server, Events));
        var rawMetric = new Metric
        {
            Name = "raw.nats.publish", Value = raw, Unit = "ev/s",
            Params = new Dictionary<string, object> { ["events"] = Events, ["window"] = Window, ["how"] = "NATS.Net JetStream PublishAsync with a message id, 256 in flight, every ack awaited; the faster of a run before and one after the producer's" },
        };
        report.Add(rawMetric);
        report.Add(new Metric
        {
            Name = "broker.publish", Value = produced, Unit = "ev/s",
            Params = new Dictionary<string, object>
            {
                ["events"] = Events, ["batch"] = Window, ["store"] = "in-memory", ["tenant"] = "one",
                ["headers"] = "tenant, event id, position, type (envelope: false)",
                ["how"] = "the faster of two runs of a running producer (lease held, first event published) publishes events appended while it runs: read a batch, map, publish with message ids, await acks, write the checkpoint; timed from the first append to the last checkpoint",
            },
        }.Against(rawMetric));
        log.WriteLine($"  broker.publish {produced:N0} ev/s, raw {raw:N0} ev/s ({produced / raw:0.00}x)");
    }

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

    private async Task<double> ProducerPublish(PrivateNatsServer server, string prefix)
    {
        await using var broker = await NatsBroker.ConnectAsync(new NatsBrokerOptions { Url = server.Url, Prefix = prefix });
        var store = new InMemoryEventStore(TimeProvider.System);
        ProposedEvent Order() => new(Guid.CreateVersion7(), EventData.Tagged("OrderPlaced", Body, "region:eu"), EventMetadata.Empty);
        await store.Append(AppendRequest.Of("bench", Order()), default);
        var options = new ProcessorOptions
        {
            NodeId = "bench-producer", LeaseDuration = TimeSpan.FromSeconds(30), RebalanceInterval = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromSeconds(5), BatchSize = Window,
        };
        var runtime = new ProcessorRuntime(store, new InMemoryLeaseStore(TimeProvider.System), new InMemoryDeadLetterStore(), new EffectHandlers([]),
            TimeProvider.System, options, NullLogger.Instance);
        var producer = Producer.Create("bench-orders", [QueryItem.OfTypes("OrderPlaced")],
            e => Microsoft.FSharp.Core.FSharpOption<IntegrationMessage>.Some(new IntegrationMessage(e.Type, e.Type, e.Body)));
        await using var host = new TodoProcessorHost(runtime, [], [new ProducerRegistration(producer, new NatsJetStreamPublisher(broker, envelope: false))]);
        // The host starts, takes the tenant's lease and publishes the first event before the clock starts: what is
        // timed is the producer publishing what is appended while it runs, not the host's start.
        await host.StartAsync(default);
        var started = Stopwatch.StartNew();
        while (host.PositionOf("bench-orders", "bench") is not >= 1)
        {
            if (started.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException("The producer did not start within a minute.");
            await Task.Delay(1);
        }
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < Events; start += 1000)
            await store.Append(AppendRequest.Of("bench", Enumerable.Range(0, Math.Min(1000, Events - start)).Select(_ => Order()).ToArray()), default);
        while (host.PositionOf("bench-orders", "bench") is not { } p || p < Events + 1)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException("The producer did not publish every event within 5 minutes.");
            await Task.Delay(1);
        }
        var elapsed = clock.Elapsed;
        await host.StopAsync(default);
        return Events / elapsed.TotalSeconds;
    }
}
