using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Hybrid.Sample;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// W3C trace context from an HTTP request into the events a command writes, and on into the processor and effect those
/// events cause: the sample's invite, over real HTTP on the in-memory store, exported by OpenTelemetry.
/// </summary>
public sealed class TraceContextTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string TraceParent = $"00-{TraceId}-00f067aa0ba902b7-01";

    [Fact]
    public async Task one_trace_runs_from_the_http_request_through_the_invite_event_to_the_email_effect()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddHybridInstrumentation()
            .AddSource("Microsoft.AspNetCore")
            .AddInMemoryExporter(spans)
            .Build();
        var emailed = new TaskCompletionSource<(ActivityTraceId Trace, RecordedEvent Event)>(TaskCreationOptions.RunContinuationsAsynchronously);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHybrid(Definitions.registry, hybrid => hybrid
            .UseInMemory()
            .AddEffectHandler(Effects.SendEmail, (effect, _) =>
            {
                emailed.TrySetResult((Activity.Current?.TraceId ?? default, effect.Source));
                return Task.CompletedTask;
            })
            .AddEffectHandler(Effects.ChargeCard, (_, _) => Task.CompletedTask)
            .Processing(o =>
            {
                o.RebalanceInterval = TimeSpan.FromMilliseconds(100);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            }));
        await using var app = builder.Build();
        app.MapHybrid();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/InviteCustomer")
        {
            Content = new StringContent("""{"customerId":"c-1","email":"zoe@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "admin");
        request.Headers.Add("traceparent", TraceParent);
        request.Headers.Add("X-Metadata-Client", "test-suite");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);

        // The event's metadata, as HTTP shows it: in the request's trace, with the request's own field.
        using var json = JsonDocument.Parse(body);
        var metadata = json.RootElement.GetProperty("events")[0].GetProperty("metadata");
        Assert.Contains(TraceId, metadata.GetProperty("traceparent").GetString());
        Assert.Equal("test-suite", metadata.GetProperty("fields").GetProperty("client").GetString());
        Assert.Equal("ann", metadata.GetProperty("actor").GetString());

        // The processor that emails the invite runs the effect in the same trace, and sees the metadata.
        var (effectTrace, invite) = await emailed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(TraceId, effectTrace.ToHexString());
        Assert.Equal("test-suite", invite.Metadata.Fields["client"]);
        await app.StopAsync();
        tracing.ForceFlush();

        // Exported spans: the request, the command, the processor's handling and the effect share one trace id.
        var inTrace = spans.Where(s => s.TraceId.ToHexString() == TraceId).Select(s => s.DisplayName).ToArray();
        Assert.Contains("command InviteCustomer", inTrace);
        Assert.Contains("hybrid.processor.handle", inTrace);
        Assert.Contains($"hybrid.effect {Effects.SendEmail}", inTrace);
        var handle = spans.First(s => s.DisplayName == "hybrid.processor.handle" && s.TraceId.ToHexString() == TraceId);
        // Other tests run commands meanwhile, and a tracer provider sees every span of the process: only this trace's count.
        var command = spans.Single(s => s.DisplayName == "command InviteCustomer" && s.TraceId.ToHexString() == TraceId);
        Assert.Equal(command.SpanId, handle.ParentSpanId);
    }

    [Fact]
    public async Task events_a_processor_emits_carry_the_trace_of_the_event_that_caused_them()
    {
        var started = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => HybridTelemetry.ActivitySourceNames.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(Definitions.registry, hybrid => hybrid
            .UseInMemory()
            .AddEffectHandler(Effects.SendEmail, (_, _) => Task.CompletedTask)
            .AddEffectHandler(Effects.ChargeCard, (_, _) => Task.CompletedTask)
            .Processing(o =>
            {
                o.RebalanceInterval = TimeSpan.FromMilliseconds(100);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            }));
        using var app = builder.Build();
        await app.StartAsync();
        var commands = app.Services.GetRequiredService<Hybrid.Shell.Commands.CommandProcessor>();
        var store = app.Services.GetRequiredService<IEventStore>();
        var member = new Caller("acme", "ann", ["member"], "");

        await commands.ExecuteJsonAsync(member, "CreateList", """{"listId":"l-1","name":"Chores"}""");
        var added = (CommandOutcome.Accepted)await commands.ExecuteJsonAsync(member, "AddItem", """{"listId":"l-1","text":"Dishes"}""");
        var item = JsonDocument.Parse(added.Item.Events[0].Body).RootElement.GetProperty("itemId").GetInt32();
        var completed = (CommandOutcome.Accepted)await commands.ExecuteJsonAsync(member, "CompleteItem", $$"""{"listId":"l-1","itemId":{{item}}}""");
        var source = completed.Item.Events.Single();
        Assert.True(source.Metadata.IsTraced);

        RecordedEvent[] awarded = [];
        for (var i = 0; i < 300 && awarded.Length == 0; i++)
        {
            awarded = (await store.Read("acme", EventQuery.All, default)).Where(e => e.Metadata.CausationId == source.Id.ToString()).ToArray();
            if (awarded.Length == 0) await Task.Delay(100);
        }
        await app.StopAsync();
        var emitted = Assert.Single(awarded);
        Assert.True(ActivityContext.TryParse(source.Metadata.TraceParent, null, out var sourceContext));
        Assert.True(ActivityContext.TryParse(emitted.Metadata.TraceParent, null, out var emittedContext));
        Assert.Equal(sourceContext.TraceId, emittedContext.TraceId);
        Assert.NotEqual(sourceContext.SpanId, emittedContext.SpanId);
        Assert.Contains(started, a => a.DisplayName == "hybrid.processor.handle" && a.SpanId == emittedContext.SpanId);
    }
}
