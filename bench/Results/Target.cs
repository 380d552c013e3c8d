// The bar each metric is held to (issue 9), and whether a measured figure clears it.
namespace Hybrid.Bench.Results;

/// <summary>A target: a minimum ratio to the baseline, or an absolute bound on the value.</summary>
public sealed record Target(string Metric, double Bound, TargetKind Kind, string Why)
{
    /// <summary>How the target reads, e.g. <c>ratio ≥ 0.8</c>.</summary>
    public string Describe() => Kind switch
    {
        TargetKind.MinRatio => $"ratio >= {Bound}",
        TargetKind.MinValue => $"value >= {Bound:N0}",
        TargetKind.MaxRatio => $"ratio <= {Bound}",
        _ => $"value <= {Bound}",
    };

    /// <summary>True when met, null when the figure needed is missing.</summary>
    public bool? IsMet(Metric m) => Kind switch
    {
        TargetKind.MinRatio => m.Ratio is { } r ? r >= Bound : null,
        TargetKind.MinValue => m.Value is { } v ? v >= Bound : null,
        TargetKind.MaxRatio => m.Ratio is { } r ? r <= Bound : null,
        _ => m.Value is { } v ? v <= Bound : null,
    };

    /// <summary>The targets of issue 9.</summary>
    public static readonly IReadOnlyList<Target> All =
    [
        new("pg.append.single.c1", 0.8, TargetKind.MinRatio, "one client pays one round trip per append (ratio to the plain table)"),
        new("pg.append.single.c8", 0.7, TargetKind.MinRatio, "appends of separate tenants must not contend (ratio to the plain table)"),
        new("pg.append.single.c8.tenant1", 0.5, TargetKind.MinRatio, "one hot tenant must share commit flushes (ratio to the plain table's c8)"),
        new("pg.append.single.c64", 1.5, TargetKind.MinRatio, "group commit must turn concurrency into throughput (ratio to the plain table's c8)"),
        new("pg.append.batch100.c4.tenants4", 0.6, TargetKind.MinRatio, "batches on separate tenants do not contend (ratio to the plain table)"),
        new("pg.append.batch100.c4.tenant1", 0.45, TargetKind.MinRatio, "batches on one tenant serialise on its lock (ratio to the plain table)"),
        new("pg.append.dcb.c1", 0.7, TargetKind.MinRatio, "the condition check must cost little beyond the insert (ratio to the plain table's c1)"),
        new("pg.dcb.check.p99_us", 1.3, TargetKind.MaxRatio, "a condition check must not grow with the history of its tags"),
        new("lmdb.append.single.c1", 0.7, TargetKind.MinRatio, "one durable append must cost about one synced LMDB put"),
        new("lmdb.append.single.c8_over_c1", 3, TargetKind.MinValue, "group commit must share one sync among concurrent appends"),
        new("lmdb.append.batch100", 200_000, TargetKind.MinValue, "batches must amortise the sync"),
        new("lmdb.read.all", 1_000_000, TargetKind.MinValue, "reading the log must be memory-speed"),
        new("lmdb.dcb.c1", 0.7, TargetKind.MinRatio, "the condition must be a few index lookups"),
        new("mem.append.batch100", 1_000_000, TargetKind.MinValue, "the in-memory store must be fast enough for simulations"),
        new("l1.hit.p99_us", 2, TargetKind.MaxValue, "an L1 hit must cost microseconds"),
        new("pg.read.all", 0.9, TargetKind.MinRatio, "reading through the store must cost little beyond the ordered SELECT (issue 20)"),
        new("readmodel.rebuild", 0.7, TargetKind.MinRatio, "folding must not dominate reading the log"),
        new("readmodel.writeback.bytes_ratio", 1.0 / 32, TargetKind.MaxValue, "one event must rewrite one segment, not the whole state"),
        new("processor.e2e.p50_ms", 10, TargetKind.MaxValue, "a handler must see an append within milliseconds"),
        new("sim.steps_per_s", 17_000, TargetKind.MinValue, "a million simulated steps in under a minute on two cores"),
        new("sim.user_invariants.steps_per_s", 0.8, TargetKind.MinRatio, "users' own invariants must not dominate a simulation"),
        new("cmd.mem.p50_us", 20, TargetKind.MaxValue, "a command on a warm aggregate must cost microseconds in memory (issue 20)"),
        new("cmd.pg.c8", 0.7, TargetKind.MinRatio, "a command on a warm aggregate must cost about one append (issue 20)"),
        new("cmd.pg.long_stream", 1 / 1.2, TargetKind.MinRatio, "a long stream must not slow its commands (issue 20: within 1.2x of a fresh one)"),
        new("broker.publish", 0.7, TargetKind.MinRatio, "a producer must cost little beyond the broker's own publish and ack"),
        new("pg.route.overhead.single", 0.9, TargetKind.MinRatio, "routing by the tenancy map must cost little beside an append"),
        new("pg.route.overhead.batch100", 0.9, TargetKind.MinRatio, "routing by the tenancy map must cost little beside an append"),
    ];

    /// <summary>The target of a metric, or null.</summary>
    public static Target? For(string metric) => All.FirstOrDefault(t => t.Metric == metric);
}

/// <summary>What kind of bound a target is.</summary>
public enum TargetKind
{
    /// <summary>value / baseline ≥ bound.</summary>
    MinRatio,
    /// <summary>value ≥ bound.</summary>
    MinValue,
    /// <summary>value ≤ bound.</summary>
    MaxValue,
    /// <summary>value / baseline ≤ bound (latencies).</summary>
    MaxRatio,
}
