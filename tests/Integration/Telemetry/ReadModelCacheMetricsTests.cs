using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.ReadModels;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Telemetry;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain.ReadModels;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// The read-model caches' hits and misses as metrics (regression: they were only in
/// <see cref="ReadModelEngine.Statistics"/>, which no exporter sees): observed per cache level, summed over the live
/// engines, with no tenant label, and exported by <c>AddHybridInstrumentation()</c>.
/// </summary>
public sealed class ReadModelCacheMetricsTests
{
    [Fact]
    public async Task read_model_cache_hits_and_misses_are_observed_by_cache_level_without_a_tenant_label()
    {
        var tenant = Tenants.Fresh();
        await using var engine = new ReadModelEngine(new InMemoryEventStore(), CounterModels.all, new InMemoryReadModelStore());
        await engine.Read(tenant, "counter-summary", "", default);
        await engine.Read(tenant, "counter-summary", "", default);
        var own = engine.Statistics;
        Assert.Equal((1L, 1L, 1L), (own.L1Hits, own.L1Misses, own.L2Misses));

        var observed = new ConcurrentBag<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == HybridTelemetry.ReadModels) listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => observed.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        meters.Start();
        meters.RecordObservableInstruments();

        // Summed over every live engine of the process: at least this engine's.
        long Observed(string instrument, string level) =>
            Assert.Single(observed, m => m.Instrument == instrument && Equals(m.Tags["hybrid.cache_level"], level)).Value;
        Assert.True(Observed("hybrid.read_model.cache.hits", "memory") >= own.L1Hits);
        Assert.True(Observed("hybrid.read_model.cache.misses", "memory") >= own.L1Misses);
        Assert.True(Observed("hybrid.read_model.cache.misses", "store") >= own.L2Misses);
        Assert.Contains(observed, m => m.Instrument == "hybrid.read_model.events_folded");
        Assert.DoesNotContain(observed, m => m.Tags.ContainsKey("hybrid.tenant"));
    }

    [Fact]
    public async Task add_hybrid_instrumentation_exports_the_read_model_cache_counters()
    {
        var exported = new List<Metric>();
        await using var engine = new ReadModelEngine(new InMemoryEventStore(), CounterModels.all);
        await engine.Read(Tenants.Fresh(), "counter-summary", "", default);
        using (var meters = Sdk.CreateMeterProviderBuilder().AddHybridInstrumentation().AddInMemoryExporter(exported).Build())
            meters.ForceFlush();
        Assert.Contains(exported, m => m.Name == "hybrid.read_model.cache.hits");
        Assert.Contains(exported, m => m.Name == "hybrid.read_model.cache.misses");
    }
}
