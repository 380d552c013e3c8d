// The benchmark runner still runs: a tiny run (seconds) produces every metric of issue 9, measured or skipped with a
// reason, and a well-formed JSON file. Speed is never asserted here; the figures belong to bench/.
using System.Text.Json;
using Hybrid.Bench;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Bench;

public sealed class BenchSmokeTests
{
    private static readonly string[] IssueMetrics =
    [
        "pg.append.single.c1", "pg.append.single.c8", "pg.append.single.c8.tenant1", "pg.append.single.c64",
        "pg.append.batch100.c4.tenants4", "pg.append.batch100.c4.tenant1",
        "pg.append.dcb.c1", "pg.append.dcb.c8", "pg.dcb.check.p99_us", "pg.read.all",
        "mem.append.batch100", "mem.read.all",
        "l1.hit.p50_us", "l1.hit.p99_us", "l2.hit.p50_us", "readmodel.rebuild", "readmodel.writeback.bytes_ratio",
        "processor.e2e.p50_ms", "processor.e2e.p99_ms", "sim.steps_per_s",
    ];

    private static readonly string[] RawBaselines =
    [
        "raw.pg.plain.insert.single.c1", "raw.pg.plain.insert.single.c8", "raw.pg.plain.insert.single.c64",
        "raw.pg.indexed.insert.single.c1", "raw.pg.indexed.insert.single.c8", "raw.pg.indexed.insert.single.c64",
        "raw.pg.plain.insert.batch100.c4", "raw.pg.plain.copy.batch100.c4", "raw.pg.plain.insert.batch100.c4.tenant1",
        "raw.pg.indexed.insert.batch100.c4", "raw.pg.indexed.copy.batch100.c4", "raw.pg.indexed.dcb.c1", "raw.pg.indexed.dcb.c8",
        "raw.pg.plain.insert.single.c1.beside_dcb", "raw.pg.plain.insert.single.c8.beside_dcb", "raw.pg.select.ordered", "raw.lmdb.put", "raw.lmdb.get.p50_us",
    ];

    [Fact]
    public async Task Tiny_run_writes_json_with_every_issue_metric_measured_or_skipped_with_a_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hybrid-bench-smoke-{Guid.NewGuid():N}.json");
        try
        {
            using var console = new StringWriter();
            var server = await PostgresTestServer.AdminConnectionStringAsync();
            var report = await BenchRunner.RunAsync(BenchOptions.Parse(["--tiny", "--out", path, "--postgres", server]), console);

            Assert.False(report.Failed, string.Join(Environment.NewLine, report.Notes));
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            var root = json.RootElement;
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            var metrics = root.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
            foreach (var name in IssueMetrics)
            {
                Assert.True(metrics.TryGetValue(name, out var metric), $"{name} is missing from the JSON");
                var measured = metric.GetProperty("value").ValueKind == JsonValueKind.Number;
                var skipped = metric.GetProperty("skipped").ValueKind == JsonValueKind.String;
                Assert.True(measured ^ skipped, $"{name} must have either a value or a skip reason");
            }
            foreach (var name in RawBaselines)
                Assert.True(metrics[name].GetProperty("value").GetDouble() > 0, $"{name} measured nothing");
            // The DCB appends run after the batches, while the server still vacuums them: their baseline is measured beside them.
            foreach (var clients in new[] { 1, 8 })
                Assert.Equal($"raw.pg.plain.insert.single.c{clients}.beside_dcb", metrics[$"pg.append.dcb.c{clients}"].GetProperty("baseline").GetString());
            Assert.Contains("metric", console.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Tiny_growth_run_measures_each_size_against_the_empty_store_and_writes_the_chart_and_the_readme_table()
    {
        var dir = Directory.CreateTempSubdirectory("hybrid-bench-growth-").FullName;
        try
        {
            var readme = Path.Combine(dir, "README.md");
            await File.WriteAllTextAsync(readme, "before\n<!-- growth:start -->\nold\n<!-- growth:end -->\nafter\n");
            var chart = Path.Combine(dir, "growth.svg");
            using var console = new StringWriter();
            var server = await PostgresTestServer.AdminConnectionStringAsync();
            var report = await BenchRunner.RunAsync(
                BenchOptions.Parse(["--tiny", "--growth", "2k", "--growth-chart", chart, "--readme", readme, "--postgres", server]), console);

            Assert.False(report.Failed, string.Join(Environment.NewLine, report.Notes));
            foreach (var what in new[] { "single.c1", "batch100.c4", "dcb.check.p50_us", "dcb.check.p99_us", "read" })
            {
                Assert.True(report.Find($"pg.growth.0.{what}")?.Value > 0, $"pg.growth.0.{what} measured nothing");
                Assert.Equal($"pg.growth.0.{what}", report.Find($"pg.growth.2k.{what}")?.Baseline);
            }
            Assert.Contains("<polyline", await File.ReadAllTextAsync(chart));
            var text = await File.ReadAllTextAsync(readme);
            Assert.StartsWith("before\n<!-- growth:start -->", text);
            Assert.EndsWith("<!-- growth:end -->\nafter\n", text);
            Assert.DoesNotContain("old", text);
            Assert.Contains("| 2,000 |", text);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Ratio_is_the_value_over_the_baseline_value()
    {
        var baseline = new Hybrid.Bench.Results.Metric { Name = "raw.x", Unit = "ev/s", Value = 400 };
        var metric = new Hybrid.Bench.Results.Metric { Name = "x", Unit = "ev/s", Value = 300 }.Against(baseline);

        Assert.Equal(0.75, metric.Ratio);
        Assert.Equal("raw.x", metric.Baseline);
    }

    [Fact]
    public void A_missed_target_is_explained_in_the_notes()
    {
        var report = new Hybrid.Bench.Results.BenchReport();
        var baseline = report.Add(new Hybrid.Bench.Results.Metric { Name = "raw.pg.plain.insert.single.c8", Unit = "ev/s", Value = 1000 });

        var added = report.Add(new Hybrid.Bench.Results.Metric { Name = "pg.append.single.c8", Unit = "ev/s", Value = 500 }.Against(baseline));
        report.ExplainMisses();

        Assert.False(added.TargetMet);
        Assert.Contains(report.Notes, n => n.StartsWith("pg.append.single.c8: target ratio >= 0.7 missed", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_argument_is_rejected_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--quick", "--fast"]));
        Assert.Contains("--fast", e.Message);
    }
}
