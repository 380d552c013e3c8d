// End-to-end processor latency on PostgreSQL: from the call that appends an event to the handler seeing it.
using Hybrid.Shell.Ids;
using System.Collections.Concurrent;
using System.Diagnostics;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Bench.Processors;

/// <summary>Measures <c>processor.e2e.p50_ms</c> and <c>processor.e2e.p99_ms</c>.</summary>
public sealed class ProcessorBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    private const string Tenant = "proc";
    private const string Pinged = "Pinged";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> _waiting = new();

    /// <summary>
    /// Appends one event at a time and waits until a running todo processor's handler is invoked with it. The poll
    /// interval is far above the figures, so what is measured is the store's wake-up path (LISTEN/NOTIFY).
    /// </summary>
    public async Task Run(IEventStore store)
    {
        var options = new ProcessorOptions
        {
            NodeId = "bench-node", LeaseDuration = TimeSpan.FromSeconds(30), RebalanceInterval = TimeSpan.FromSeconds(1),
            PollInterval = TimeSpan.FromSeconds(10), BatchSize = 256,
        };
        var runtime = new ProcessorRuntime(store, new InMemoryLeaseStore(TimeProvider.System), new InMemoryDeadLetterStore(),
            new EffectHandlers([]), TimeProvider.System, options, NullLogger.Instance);
        var processor = TodoProcessor.Create("bench-e2e", [QueryItem.OfTypes(Pinged)], (_, e) => Handle(e));
        await using var host = new TodoProcessorHost(runtime, [processor]);

        // The host runs the tenants the store knows: one event first, then a ping that waits for the run to start.
        await store.Append(AppendRequest.Of(Tenant, new ProposedEvent(UuidV7IdSource.System.NewId(), EventData.Tagged(Pinged, "{}", "bench:first"),
            EventMetadata.Empty)), CancellationToken.None);
        await host.StartAsync(CancellationToken.None);
        await Ping(store);

        var e2e = new Percentiles(sizes.ProcessorSamples);
        var acks = new Percentiles(sizes.ProcessorSamples);
        var delivery = new Percentiles(sizes.ProcessorSamples);
        for (var i = 0; i < sizes.ProcessorSamples; i++)
        {
            var (total, ack) = await Ping(store);
            e2e.Add(total);
            acks.Add(ack);
            delivery.Add(total - ack);
        }
        await host.StopAsync(CancellationToken.None);

        var parameters = new Dictionary<string, object>
        {
            ["samples"] = e2e.Count, ["store"] = "PostgresEventStore (LISTEN/NOTIFY wake-ups)", ["poll_interval_s"] = options.PollInterval.TotalSeconds,
            ["leases"] = "in-memory", ["append_ack_p50_ms"] = Math.Round(acks.Milliseconds(50), 3),
            ["how"] = "one event appended at a time; from the Append call to the handler's invocation",
        };
        report.Add(new Metric { Name = "processor.e2e.p50_ms", Value = e2e.Milliseconds(50), Unit = "ms", Params = parameters });
        report.Add(new Metric { Name = "processor.e2e.p99_ms", Value = e2e.Milliseconds(99), Unit = "ms", Params = parameters });
        report.Add(new Metric
        {
            Name = "processor.delivery.p50_ms", Value = delivery.Milliseconds(50), Unit = "ms",
            Params = new Dictionary<string, object> { ["samples"] = delivery.Count, ["how"] = "from the append's acknowledgement to the handler's invocation" },
        });
        log.WriteLine($"  processor.e2e p50 {e2e.Milliseconds(50):0.00} ms, p99 {e2e.Milliseconds(99):0.00} ms (append ack p50 {acks.Milliseconds(50):0.00} ms)");
    }

    /// <summary>Appends one event and waits for the handler; returns (append call → handler, append call → ack) in ticks.</summary>
    private async Task<(long Total, long Ack)> Ping(IEventStore store)
    {
        var id = UuidV7IdSource.System.NewId();
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = seen;
        var start = Stopwatch.GetTimestamp();
        var result = await store.Append(AppendRequest.Of(Tenant,
            new ProposedEvent(id, EventData.Tagged(Pinged, "{}", "bench:ping"), EventMetadata.Empty)), CancellationToken.None);
        var acked = Stopwatch.GetTimestamp();
        if (!result.IsAppended) throw new InvalidOperationException($"The ping was not appended: {result}");
        var handled = await seen.Task.WaitAsync(Patience);
        _waiting.TryRemove(id, out _);
        return (handled - start, acked - start);
    }

    private ProcessorResult Handle(RecordedEvent e)
    {
        var now = Stopwatch.GetTimestamp();
        if (_waiting.TryGetValue(e.Id, out var seen)) seen.TrySetResult(now);
        return ProcessorResult.NoOp;
    }
}
