using System.Diagnostics;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// A processor's spans as an operator chasing a failed effect needs them (regression: a dead-lettered event's span
/// ended with no status and no outcome, the effect span that failed was not marked, and it had no tenant): the
/// handle span continues the command's trace and ends as an error with outcome <c>dead-lettered</c>, the failed
/// effect's span under it is an error too, both carry tenant and processor, and neither quotes the exception's
/// message (here an email address) nor records an exception event.
/// </summary>
public sealed class ProcessorTelemetryTests
{
    private const string Processor = "telemetry-failing-mailer";
    private const string Effect = "telemetry-test-effect";
    private const string Email = "zoe.private@example.com";

    [Fact]
    public async Task a_dead_lettered_effect_ends_its_spans_as_errors_in_the_command_s_trace_without_the_failure_s_message()
    {
        var tenant = Conformance.Tenants.Fresh();
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddHybridInstrumentation().AddInMemoryExporter(spans).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(Definitions.registry, hybrid => hybrid
            .UseInMemory()
            .AddProcessor(TodoProcessor.Create(Processor, [QueryItem.OfTypes("CustomerInvited")],
                    (_, e) => ProcessorResult.AtLeastOnce(EffectIntent.Of(Effect, e.Id)))
                .WithRetry(RetryPolicy.NoRetry))
            .AddEffectHandler(Effect, (_, _) => throw new InvalidOperationException($"mailbox {Email} refused the message"))
            .AddEffectHandler(Effects.SendEmail, (_, _) => Task.CompletedTask)
            .AddEffectHandler(Effects.ChargeCard, (_, _) => Task.CompletedTask)
            .Processing(o =>
            {
                o.RebalanceInterval = TimeSpan.FromMilliseconds(100);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            }));
        using var app = builder.Build();
        await app.StartAsync();
        var commands = app.Services.GetRequiredService<CommandProcessor>();

        var invited = await commands.ExecuteJsonAsync(new Caller(tenant, "ann", ["admin"], ""), "InviteCustomer",
            $$"""{"customerId":"c-1","email":"{{Email}}"}""");
        Assert.True(invited.IsAccepted, invited.ToString());

        Activity? handle = null;
        for (var i = 0; i < 300 && handle is null; i++)
        {
            lock (spans) handle = spans.FirstOrDefault(s => s.DisplayName == "hybrid.processor.handle"
                && Equals(s.GetTagItem("hybrid.processor"), Processor) && Equals(s.GetTagItem("hybrid.tenant"), tenant));
            if (handle is null) await Task.Delay(100);
        }
        await app.StopAsync();

        Assert.NotNull(handle);
        Activity[] trace;
        lock (spans) trace = [.. spans.Where(s => s.TraceId == handle.TraceId)];
        var command = Assert.Single(trace, s => s.DisplayName == "command InviteCustomer");
        Assert.Equal(command.TraceId, handle.TraceId);
        Assert.Equal(("dead-lettered", ActivityStatusCode.Error), (handle.GetTagItem("hybrid.outcome"), handle.Status));
        Assert.Equal(typeof(InvalidOperationException).FullName, handle.GetTagItem("error.type"));
        var effect = Assert.Single(trace, s => s.DisplayName == $"hybrid.effect {Effect}");
        Assert.Equal(handle.SpanId, effect.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, effect.Status);
        Assert.Equal((tenant, Processor), (effect.GetTagItem("hybrid.tenant"), effect.GetTagItem("hybrid.processor")));
        Assert.All(trace, span =>
        {
            Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains(Email, StringComparison.Ordinal) == true);
            Assert.DoesNotContain(Email, span.StatusDescription ?? "");
            Assert.Empty(span.Events);
        });
        var dead = await app.Services.GetRequiredService<IDeadLetterStore>().List(tenant, Processor, default);
        Assert.Single(dead);
    }
}
