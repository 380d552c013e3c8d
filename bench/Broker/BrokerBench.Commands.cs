using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Http;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Nats;
using Hybrid.Testing.Nats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench.Broker;

public sealed partial class BrokerBench
{
    private int CommandSamples => Math.Max(20, sizes.ProcessorSamples * 5);

    /// <summary>
    /// One command at a time (the sample's CreateList, a new list each time) through the broker to an in-process handler,
    /// and the same through HTTP to MapHybrid; both over one command processor on the in-memory store, so the difference
    /// is the transport.
    /// </summary>
    private async Task Commands(PrivateNatsServer server)
    {
        var store = new InMemoryEventStore(TimeProvider.System);
        var processor = new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Hybrid.Sample.Definitions.registry));
        var caller = new Caller("bench", "ann", ["member"], "");

        await using var broker = await NatsBroker.ConnectAsync(new NatsBrokerOptions { Url = server.Url, Prefix = "cmd" });
        await using var handler = new NatsCommandHandler(broker, processor, TimeProvider.System, NullLogger.Instance);
        await handler.StartAsync(default);
        await using var sender = await NatsCommandSender.StartAsync(broker);
        var viaBroker = await Timed(CommandSamples, async i =>
        {
            var reply = await sender.SendAsync(caller, "CreateList", $$"""{"listId":"b-{{i}}","name":"B"}""");
            if (reply.Outcome != "accepted") throw new InvalidOperationException($"The command was not accepted: {reply.Json}");
        });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var web = builder.Build();
        web.MapHybrid(new HybridHttpOptions { Commands = processor, Registry = Hybrid.Sample.Definitions.registry });
        await web.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(web.Urls.First()) };
        var viaHttp = await Timed(CommandSamples, async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/CreateList")
            {
                Content = new StringContent($$"""{"listId":"h-{{i}}","name":"H"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add("X-Tenant", "bench");
            request.Headers.Add("X-Actor", "ann");
            request.Headers.Add("X-Roles", "member");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"The command was not accepted: {(int)response.StatusCode}");
        });
        await web.StopAsync();

        var parameters = new Dictionary<string, object> { ["samples"] = CommandSamples, ["store"] = "in-memory", ["command"] = "CreateList (sample)", ["clients"] = 1 };
        var httpP50 = new Metric { Name = "http.command.p50_ms", Value = viaHttp.Milliseconds(50), Unit = "ms", Params = parameters };
        var httpP99 = new Metric { Name = "http.command.p99_ms", Value = viaHttp.Milliseconds(99), Unit = "ms", Params = parameters };
        report.Add(httpP50);
        report.Add(httpP99);
        var brokerParams = new Dictionary<string, object>(parameters) { ["how"] = "JetStream work queue to one handler, reply on core NATS" };
        report.Add(new Metric { Name = "broker.command.p50_ms", Value = viaBroker.Milliseconds(50), Unit = "ms", Params = brokerParams }.Against(httpP50));
        report.Add(new Metric { Name = "broker.command.p99_ms", Value = viaBroker.Milliseconds(99), Unit = "ms", Params = brokerParams }.Against(httpP99));
        log.WriteLine($"  broker.command p50 {viaBroker.Milliseconds(50):0.00} ms p99 {viaBroker.Milliseconds(99):0.00} ms; " +
                      $"http.command p50 {viaHttp.Milliseconds(50):0.00} ms p99 {viaHttp.Milliseconds(99):0.00} ms");
    }

    private static async Task<Percentiles> Timed(int count, Func<int, Task> run)
    {
        for (var i = 0; i < Math.Min(20, count); i++) await run(-1 - i); // warm-up
        var samples = new Percentiles(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await run(i);
            samples.Add(Stopwatch.GetTimestamp() - start);
        }
        return samples;
    }
}
