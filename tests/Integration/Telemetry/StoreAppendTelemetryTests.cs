using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Telemetry;
using Hybrid.Tests.Integration.Conformance;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static Hybrid.Tests.Integration.WriteSide.WriteSideSetup;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// The append under a command, as a user wiring OpenTelemetry expects it: a <c>hybrid.store.append</c> span under the
/// command's span, on the embedded LMDB store and the in-memory store alike (regression: a trace showed the command but
/// not the write, and no metric counted appended events or timed appends); the command's span counts the events it
/// wrote; a refused command is an outcome, not an error; the store's metrics carry no tenant label. Spans are picked
/// by a fresh tenant, so other classes' commands running beside these do not interfere.
/// </summary>
public sealed class StoreAppendTelemetryTests : IDisposable
{
    private readonly string _tenant = Tenants.Fresh();
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-telemetry-");
    private readonly List<Activity> _exported = [];
    private readonly TracerProvider _tracing;

    public StoreAppendTelemetryTests() =>
        _tracing = Sdk.CreateTracerProviderBuilder().AddHybridInstrumentation().AddInMemoryExporter(_exported).Build()!;

    public void Dispose()
    {
        _tracing.Dispose();
        _temp.Delete(recursive: true);
    }

    private Activity[] Spans()
    {
        _tracing.ForceFlush();
        lock (_exported) return [.. _exported.Where(s => Equals(s.GetTagItem("hybrid.tenant"), _tenant))];
    }

    private IEventStore Store(string kind) => kind switch
    {
        "lmdb" => LmdbEventStore.Open(Path.Combine(_temp.FullName, "events")),
        _ => new InMemoryEventStore(),
    };

    [Theory]
    [InlineData("in-memory")]
    [InlineData("lmdb")]
    public async Task an_accepted_command_s_append_span_is_a_child_of_its_command_span_on_every_store(string kind)
    {
        var store = Store(kind);
        try
        {
            (await Processor(store).ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}""")).AssertAccepted();

            var spans = Spans();
            var command = Assert.Single(spans, s => s.DisplayName == "command Increment");
            var append = Assert.Single(spans, s => s.DisplayName == "hybrid.store.append");
            Assert.Equal(HybridTelemetry.Store, append.Source.Name);
            Assert.Equal((command.TraceId, command.SpanId), (append.TraceId, append.ParentSpanId));
            Assert.Equal(("appended", 1), (append.GetTagItem("hybrid.outcome"), append.GetTagItem("hybrid.events")));
            Assert.Equal(("accepted", 1), (command.GetTagItem("hybrid.outcome"), command.GetTagItem("hybrid.events")));
            Assert.Equal(ActivityStatusCode.Unset, append.Status);
            Assert.Null(command.GetTagItem("hybrid.expected_version"));
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task an_aggregate_migrations_marker_and_stream_appends_are_traced_as_store_appends()
    {
        var store = new InMemoryEventStore();
        var processor = Processor(store);
        (await processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"a","by":2}""")).AssertAccepted();
        var before = Spans().Count(s => s.OperationName == "hybrid.store.append");

        await new AggregateMigrator(store, Hybrid.Shell.Ids.UuidV7IdSource.System, processor)
            .MigrateAsync(Hybrid.Tests.TestDomain.WriteSideCatalog.CounterV2.migration, CancellationToken.None);

        // The started marker, the migrated stream and the completed marker: three appends, each in its own span.
        var appends = Spans().Where(s => s.OperationName == "hybrid.store.append").Skip(before).ToArray();
        Assert.Equal(3, appends.Length);
        Assert.All(appends, s => Assert.Equal("appended", s.GetTagItem("hybrid.outcome")));
        Assert.Equal([1, 1, 1], appends.Select(s => Convert.ToInt32(s.GetTagItem("hybrid.events"), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task a_command_refused_for_a_stale_expected_version_is_an_outcome_tagged_with_the_expected_version_with_no_error_status_nor_exception_event()
    {
        var processor = Processor(new InMemoryEventStore());
        (await processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}""")).AssertAccepted();
        (await processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}""")).AssertAccepted();

        var stale = await processor.ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}""",
            new CommandOptions { ExpectedVersion = ExpectedVersion.NewExact(1) });

        Assert.IsType<CommandOutcome.VersionMismatch>(stale);
        var refused = Assert.Single(Spans(), s => s.DisplayName == "command Increment" && Equals(s.GetTagItem("hybrid.outcome"), "version-mismatch"));
        Assert.Equal(ActivityStatusCode.Unset, refused.Status);
        Assert.Null(refused.GetTagItem("error.type"));
        Assert.Empty(refused.Events);
        Assert.Null(refused.GetTagItem("hybrid.events"));
        Assert.Equal(1L, refused.GetTagItem("hybrid.expected_version"));
        // Refused before the write: two appends only, for the two accepted commands.
        Assert.Equal(2, Spans().Count(s => s.DisplayName == "hybrid.store.append"));
    }

    [Fact]
    public async Task the_store_metrics_count_appended_events_and_time_appends_by_outcome_without_a_tenant_label()
    {
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HybridTelemetry.Store) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Enqueue((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Enqueue((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();

        (await Processor(new InMemoryEventStore()).ExecuteJsonAsync(User(_tenant), "Increment", """{"counterId":"c","by":1}""")).AssertAccepted();
        meters.RecordObservableInstruments();

        Assert.Contains(measured, m => m.Instrument == "hybrid.store.appended_events" && m.Value >= 1);
        Assert.Contains(measured, m => m.Instrument == "hybrid.store.append.duration" && Equals(m.Tags["hybrid.outcome"], "appended") && m.Value >= 0);
        Assert.DoesNotContain(measured, m => m.Tags.ContainsKey("hybrid.tenant"));
    }
}
