// Why a target was missed: the causes found by profiling and by the side-by-side figures of the same run,
// appended to the miss note so a reader of the JSON sees the reason next to the number.
using System.Globalization;

namespace Hybrid.Bench.Results;

/// <summary>Explanations of missed targets, built from the run's own figures where they show the cause.</summary>
public static class MissAnalysis
{
    /// <summary>The explanation for a missed metric, or null when none is known.</summary>
    public static string? Explain(string metric, BenchReport report) => metric switch
    {
        "mem.append.batch100" => MemoryAppend(report),
        "pg.append.single.c1" =>
            "One client pays the store's statement (tenant head row update, event row, streams row, one event_tags row per tag) against a bare INSERT; " +
            "both wait for one WAL flush per commit, so the gap is the extra rows and index entries.",
        "pg.append.single.c8" =>
            "8 clients on 8 tenants: every append is a commit of its own, as in the baseline. The NOTIFY now goes after the " +
            "commit in the same round trip (inside it, PostgreSQL's database-wide notify lock was held through the WAL flush and " +
            "serialised the commits of all tenants: 0.14x then), so commits share flushes; what is left is the store's work per " +
            "append (head advance, streams upsert, the insert with its index entries and the tag trigger) and the short notify " +
            "transaction each commit still takes that lock for.",
        "pg.append.single.c8.tenant1" or "pg.append.single.c64" =>
            $"The store holds a tenant's head-row lock through commit and commits one group at a time per tenant, while the raw " +
            $"baseline's clients commit in parallel and share WAL flushes: store c8/c1 = {Scale(report, "pg.append.single.c8", "pg.append.single.c1")}x " +
            $"vs raw c8/c1 = {Scale(report, "raw.pg.plain.insert.single.c8", "raw.pg.plain.insert.single.c1")}x; store c64/c8 = " +
            $"{Scale(report, "pg.append.single.c64", "pg.append.single.c8")}x. Groups only grow while a commit is in flight, so with 8 " +
            "clients a group carries at most 7 appends and every group waits for a full flush.",
        "pg.append.batch100.c4.tenants4" or "pg.append.batch100.c4.tenant1" =>
            "Per 100-event append the store also updates the tenant head row, inserts the (tenant, type, position) index entries and one " +
            "event_tags row per tag (a statement trigger); on one tenant " +
            "the appends serialise on the head-row lock. The raw baseline is the faster of multi-row INSERT and binary COPY of the same rows.",
        "pg.append.dcb.c1" or "pg.append.dcb.c8" =>
            "A lone append takes one round trip like the raw baseline (the tenant lock and the guarded insert, committed when the " +
            "round trip ends), but its guard " +
            "goes through matching_positions (a SECURITY DEFINER plpgsql function, so row-level security does not hide the index: it " +
            "probes each tag's range with a capped count, answers at once when one is empty, else plans the walk of the shortest) and " +
            "its insert also maintains the tenant head row, the streams row, the tag rows and a second index; the raw baseline runs one " +
            "pre-planned guarded INSERT into a bare table. See server_cpu_us_per_event beside the rate. Concurrent appends of one tenant " +
            "share one guarded statement when their conditions are independent, else take the two-round-trip conditional path " +
            "(each append decided against the ones before it).",
        "readmodel.rebuild" =>
            $"A rebuild reads the log through the store in pages of the model's types (pg.read.all = {Ratio(report, "pg.read.all")} x the raw " +
            $"SELECT; each page is one statement of per-type branches merged in position order, with a round trip) while " +
            $"it folds the previous page (the fold alone over an in-memory log: readmodel.rebuild.mem = {Fmt(report, "readmodel.rebuild.mem")} ev/s). " +
            "On 2 cores the server's jsonb output and the client's row decoding compete for the same CPU (about 1.5-2 and 2-3 us an " +
            "event; bodies stay UTF-8 and the fold steps a page at a time, so the fold itself is well under 1 us), so the overlap " +
            "gains little under load; params.client_cpu_us_per_event includes the thread pool's spinning between pages.",
        "processor.e2e.p50_ms" =>
            $"Of the end-to-end time, the append's own commit (one WAL flush) is params.append_ack_p50_ms; the rest " +
            $"(processor.delivery.p50_ms = {Fmt(report, "processor.delivery.p50_ms")} ms) is the LISTEN/NOTIFY wake-up, the processor's read of the " +
            "new batch and the handler call. Both grow with the machine's load (see machine.loadavg_*).",
        "broker.publish" =>
            "Profiled on this machine (CPU time per event, perf): the publish is CPU-bound here (client and nats-server share 2 loaded " +
            "cores), so keeping more batches in flight does not help on localhost (8 in flight was slower than 1 or 2); what the producer " +
            "adds per message is its four headers (tenant, event id, position, type: built by the producer, parsed and stored by the " +
            "server), the UTF-8 body and the store read. Runs are interleaved with the raw loop and each side's median is taken, but " +
            "single runs on this machine still vary by 2-4x.",
        _ => null,
    };

    /// <summary>
    /// Profiled (dotnet-trace, page-fault and kernel-time counts, A/B runs of the old and new store): the store's own work
    /// is no longer most of an append; a fresh process pays for the memory the appended events keep.
    /// </summary>
    private static string MemoryAppend(BenchReport report)
    {
        var append = report.Find("mem.append.batch100");
        var events = Number(append, "events");
        var faults = Number(append, "minor_page_faults");
        var validate = report.Find("mem.validate.batch100")?.Value;
        return $"In this fresh process the run spent {Param(append, "kernel_cpu_s")} s in the kernel on {Param(append, "minor_page_faults")} " +
            $"minor page faults ({(events > 0 && faults > 0 ? (faults * 4096 / events).ToString("N0", CultureInfo.InvariantCulture) : "n/a")} bytes of " +
            "never-touched memory per event: the kept RecordedEvent (~120 B) and its copied tags (~40 B) that the contract requires, " +
            "~45 B of indexes (event chunks, id buckets, type/tag position chunks) and the caller's proposed events (~56 B); " +
            "every allocated byte is a fresh page in a fresh process, and every kept one is copied by the GC into gen1 and gen2), and " +
            $"{Param(append, "ev_per_cpu_s")} ev per CPU second (the server GC's threads also run on the other core; pauses " +
            $"{Param(append, "gc_pause_ms")} ms). Validation alone is mem.validate.batch100 = {Fmt(report, "mem.validate.batch100")} ev/s " +
            $"(~{(validate is > 0 ? (1e9 / validate.Value).ToString("N0", CultureInfo.InvariantCulture) : "n/a")} ns an event). " +
            $"GC collections (all / gen1 and up / gen2): {(append?.Params.TryGetValue("gc_collections_gen0_gen1_gen2", out var gcs) == true && gcs is int[] counts ? string.Join(" / ", counts) : "n/a")}. The store's own work was cut " +
            "twice: a compact id index and int position lists (364 -> 275 allocated B/ev), then the log, position lists and id " +
            "index in chunks and buckets below the large-object threshold and validation without per-event closures or per-append " +
            "sets (367 -> 270 allocated B/ev in a probe, the caller's proposals included; the large-object growth had started 3-5 gen2 collections a run, now " +
            "1-2; see bench/NOTES-memory.md). What is left is the contract's: one RecordedEvent and one tag array per event. Ids " +
            "come from SeededIdSource: Guid.NewGuid costs ~1.6 us an id on the benchmark VM (a getrandom system call).";
    }

    private static double Number(Metric? metric, string key) =>
        metric?.Params.TryGetValue(key, out var value) == true && value is IConvertible c ? c.ToDouble(CultureInfo.InvariantCulture) : -1;

    private static string Param(Metric? metric, string key) =>
        Number(metric, key) is var n and >= 0 ? n.ToString(n >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture) : "n/a";

    private static string Fmt(BenchReport report, string name) =>
        report.Find(name)?.Value is { } v ? v.ToString(v >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture) : "n/a";

    private static string Ratio(BenchReport report, string name) =>
        report.Find(name)?.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Scale(BenchReport report, string over, string under) =>
        report.Find(over)?.Value is { } a && report.Find(under)?.Value is { } b && b > 0
            ? (a / b).ToString("0.0", CultureInfo.InvariantCulture)
            : "n/a";
}
