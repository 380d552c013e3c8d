// What isolating refused group-commit members costs: the single-append benchmarks with the isolation path and without
// it, back to back, and with 1% of appends refused by the server.
using Hybrid.Bench.Results;
using Npgsql;

namespace Hybrid.Bench.Postgres;

public sealed partial class PostgresBench
{
    private const int IsolationRuns = 3;
    private const int RefusedEvery = 100;

    /// <summary>
    /// pg.append.single.c8/c64.isolating against .not_isolating (medians of 3 runs each, alternating), and
    /// pg.append.single.c64.poisoned (1 append in 100 refused by a test-only constraint) against c64.isolating.
    /// </summary>
    private async Task Isolation(BenchOptions options)
    {
        var wanted = new[] { 8, 64 }.Where(c => Names(options, $"pg.append.single.c{c}.isolating") || Names(options, $"pg.append.single.c{c}.not_isolating")).ToArray();
        var poisoned = Names(options, "pg.append.single.c64.poisoned");
        if (wanted.Length == 0 && !poisoned) return;
        if (_store is null)
        {
            report.Skip("pg.append.single.c64.poisoned", "ev/s", _unavailable ?? "no store under test");
            return;
        }
        await using var plain = await StoreUnderTest.CreateAsync(server, isolateRefusedAppends: false);
        var unisolated = new StoreBench(plain, sizes);
        Metric? isolating64 = null;
        foreach (var clients in poisoned ? wanted.Union([64]).ToArray() : wanted)
        {
            var with = new List<double>();
            var without = new List<double>();
            for (var run = 0; run < IsolationRuns; run++)
            {
                // Which goes first alternates, so neither side always runs on the warmer (or busier) machine.
                if (run % 2 == 1) without.Add(await unisolated.Single($"noiso-c{clients}-{run}", clients));
                with.Add(await _store.Single($"iso-c{clients}-{run}", clients));
                if (run % 2 == 0) without.Add(await unisolated.Single($"noiso-c{clients}-{run}", clients));
            }
            var baseline = Add(new Metric
            {
                Name = $"pg.append.single.c{clients}.not_isolating", Unit = "ev/s", Value = Median(without),
                Params = IsolationParams(clients, without, "IEventStore.Append of 1 event, IsolateRefusedAppends = false"),
            });
            var isolating = Add(new Metric
            {
                Name = $"pg.append.single.c{clients}.isolating", Unit = "ev/s", Value = Median(with),
                Params = IsolationParams(clients, with, "IEventStore.Append of 1 event, IsolateRefusedAppends = true (the default)"),
            }.Against(baseline));
            if (clients == 64) isolating64 = isolating;
        }
        if (poisoned && isolating64 is not null) await Poisoned(isolating64);
    }

    private async Task Poisoned(Metric baseline)
    {
        await using var admin = new NpgsqlConnection(server.ConnectionString);
        await admin.OpenAsync();
        await Execute(admin, "ALTER TABLE hybrid.events ADD CONSTRAINT bench_refuses_marked_bodies CHECK (NOT (data::jsonb ? 'refuse'))");
        try
        {
            var runs = new List<double>();
            for (var run = 0; run < IsolationRuns; run++) runs.Add(await _store!.SinglePoisoned($"poisoned-c64-{run}", 64, RefusedEvery));
            Add(new Metric
            {
                Name = "pg.append.single.c64.poisoned", Unit = "ev/s", Value = Median(runs),
                Params = IsolationParams(64, runs, $"as c64.isolating, but 1 append in {RefusedEvery} is refused by a CHECK constraint; written events only"),
            }.Against(baseline));
        }
        finally
        {
            await Execute(admin, "ALTER TABLE hybrid.events DROP CONSTRAINT bench_refuses_marked_bodies");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private Dictionary<string, object> IsolationParams(int clients, List<double> runs, string how) => new()
    {
        ["clients"] = clients, ["tenants"] = 1, ["batch"] = 1, ["how"] = how, ["seconds"] = sizes.Measure.TotalSeconds,
        ["runs"] = string.Join(" ", runs.Select(r => r.ToString("0", System.Globalization.CultureInfo.InvariantCulture))), ["figure"] = "median",
    };
}
