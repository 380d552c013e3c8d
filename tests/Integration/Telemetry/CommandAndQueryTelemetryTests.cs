using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Producers;
using Hybrid.Shell.Queries;
using Hybrid.Shell.Telemetry;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// The spans and metrics of commands and queries as an operator watching for abuse needs them: every command and query
/// has a span tagged with its name, tenant and outcome, refusals included (regression: a denied or invalid command or
/// query had no span and was not counted, so 403s were invisible); a command that throws ends its span with error
/// status and <c>error.type</c>, never the message; no tag carries the payload. Spans are picked by a fresh tenant, so
/// other classes' commands running beside these do not interfere.
/// </summary>
public sealed class CommandAndQueryTelemetryTests : IDisposable
{
    private readonly string _tenant = Tenants.Fresh();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public CommandAndQueryTelemetryTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => HybridTelemetry.ActivitySourceNames.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("hybrid.tenant"), _tenant)) _spans.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is HybridTelemetry.Commands or HybridTelemetry.Queries) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Measured(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Measured(instrument, tags));
        _meters.Start();
    }

    private void Measured(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private Activity SpanNamed(string name) => Assert.Single(_spans, s => s.DisplayName == name);

    private static void CarriesNoPayload(Activity span, string secret) =>
        Assert.DoesNotContain(span.TagObjects, t => t.Value?.ToString()?.Contains(secret, StringComparison.Ordinal) == true);

    [Fact]
    public async Task a_denied_command_has_a_span_tagged_unauthorized_and_is_counted_by_the_command_metrics()
    {
        using var metrics = new CommandMetricsMiddleware();
        var processor = Processor(new InMemoryEventStore(), middleware: [metrics]);

        var outcome = await processor.ExecuteJsonAsync(User(_tenant, "mallory"), "RegisterCustomer",
            """{"customerId":"c1","email":"secret@example.org","name":"Cy"}""");

        Assert.True(outcome.IsUnauthorized, outcome.ToString());
        var span = SpanNamed("command RegisterCustomer");
        Assert.Equal(("RegisterCustomer", "unauthorized"), (span.GetTagItem("hybrid.command"), span.GetTagItem("hybrid.outcome")));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        CarriesNoPayload(span, "secret@example.org");
        Assert.Contains(_measurements, m => m.Instrument == "hybrid.commands"
            && Equals(m.Tags["hybrid.command"], "RegisterCustomer") && Equals(m.Tags["hybrid.outcome"], "unauthorized"));
        Assert.Contains(_measurements, m => m.Instrument == "hybrid.command.duration" && Equals(m.Tags["hybrid.outcome"], "unauthorized"));
    }

    [Fact]
    public async Task an_accepted_command_s_span_carries_tenant_name_and_outcome_but_no_payload()
    {
        var processor = Processor(new InMemoryEventStore());
        (await processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"payload-marker-77","by":1}""")).AssertAccepted();

        var span = SpanNamed("command Increment");
        Assert.Equal((_tenant, "Increment", "accepted"), (span.GetTagItem("hybrid.tenant"), span.GetTagItem("hybrid.command"), span.GetTagItem("hybrid.outcome")));
        CarriesNoPayload(span, "payload-marker-77");
    }

    private sealed class Exploding : ICommandMiddleware
    {
        public Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct) =>
            throw new InvalidOperationException("connection string Password=hunter2 leaked into a message");
    }

    [Fact]
    public async Task a_command_that_throws_ends_its_span_with_error_status_and_error_type_but_not_the_message()
    {
        var processor = Processor(new InMemoryEventStore(), middleware: [new Exploding()]);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}"""));

        var span = SpanNamed("command Increment");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, span.GetTagItem("error.type"));
        Assert.Equal("failed", span.GetTagItem("hybrid.outcome"));
        CarriesNoPayload(span, "hunter2");
        Assert.DoesNotContain("hunter2", span.StatusDescription ?? "");
    }

    [Fact]
    public async Task a_denied_query_and_one_not_found_have_spans_and_metrics_tagged_with_their_outcomes()
    {
        var queries = new QueryProcessor(new InMemoryEventStore(), null, [Counter.totalQuery]);

        var denied = await queries.ExecuteJsonAsync(Anonymous(_tenant), "CounterTotal", """{"counterId":"c"}""");
        Assert.True(denied.IsUnauthorized, denied.ToString());
        var notFound = await queries.ExecuteJsonAsync(User(_tenant), "CounterTotal", """{"counterId":"c"}""");
        Assert.True(notFound.IsNotFound, notFound.ToString());

        var outcomes = _spans.Where(s => s.DisplayName == "query CounterTotal").Select(s => s.GetTagItem("hybrid.outcome")).ToArray();
        Assert.Equal(["unauthorized", "not-found"], outcomes);
        Assert.Contains(_measurements, m => m.Instrument == "hybrid.queries"
            && Equals(m.Tags["hybrid.query"], "CounterTotal") && Equals(m.Tags["hybrid.outcome"], "unauthorized"));
        Assert.Contains(_measurements, m => m.Instrument == "hybrid.query.duration" && Equals(m.Tags["hybrid.outcome"], "not-found"));
    }

    [Fact]
    public void add_hybrid_instrumentation_exports_the_producers_published_counter()
    {
        var exported = new List<Metric>();
        using (var meters = Sdk.CreateMeterProviderBuilder().AddHybridInstrumentation().AddInMemoryExporter(exported).Build())
        {
            ProducerTelemetry.Published.Add(1, new KeyValuePair<string, object?>("hybrid.producer", $"telemetry-test-{_tenant}"));
            meters.ForceFlush();
        }
        Assert.Contains(exported, m => m.Name == "hybrid.producer.published");
    }
}
