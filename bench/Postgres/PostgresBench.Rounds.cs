// How PostgresBench measures a store figure next to its baselines: in alternating rounds, so both see the same disk.
using Hybrid.Bench.Measure;
using Hybrid.Bench.Results;

namespace Hybrid.Bench.Postgres;

public sealed partial class PostgresBench
{
    private const int Rounds = 3;

    /// <summary>One workload of an alternation: the metric it gives, how to measure it at given sizes, and its params.</summary>
    private sealed record Workload(string Name, Func<BenchSizes, int, Task<double>> Measure, Dictionary<string, object> Parameters);

    /// <summary>The sizes of one alternating round: a third of the measured time each, half the warm-up.</summary>
    private BenchSizes Round => sizes with { Warmup = sizes.Warmup / 2, Measure = sizes.Measure / Rounds };

    /// <summary>
    /// A raw baseline workload, unless this run measured the metric already. It is given the tenant prefix of its round:
    /// the raw clients choose their positions, so each round writes tenants of its own.
    /// </summary>
    private Workload? RawWorkload(string name, Func<RawAppendBaselines, string, Task<double>> measure, Dictionary<string, object> parameters) =>
        report.Find(name) is { Value: not null }
            ? null
            : new(name, (round, index) => measure(new RawAppendBaselines(server.DataSource, round), $"r{index}-"), parameters);

    /// <summary>A store workload, unless there is no store under test (the metric is then skipped when it is added).</summary>
    private Workload? StoreWorkload(string name, Func<StoreBench, Task<double>> measure, Dictionary<string, object> parameters) =>
        _store is null ? null : new(name, (round, _) => measure(_store.With(round)), parameters);

    /// <summary>
    /// Measures the workloads in <see cref="Rounds"/> alternating rounds (the disk's sync time drifts over seconds on a
    /// shared machine, and a baseline measured a minute before its store figure saw another disk); each figure and its
    /// CPU per event are the means of its rounds. Returns the rates by metric name.
    /// </summary>
    private async Task<Dictionary<string, (double Rate, Dictionary<string, object> Parameters)>> Alternate(params Workload?[] wanted)
    {
        var workloads = wanted.OfType<Workload>().ToArray();
        var sums = new double[workloads.Length];
        var client = new double[workloads.Length];
        var serverCpu = new double[workloads.Length];
        for (var round = 0; round < Rounds; round++)
            for (var i = 0; i < workloads.Length; i++)
            {
                sums[i] += await workloads[i].Measure(Round, round);
                var cpu = ClientLoad.TakeLastCpu();
                client[i] += cpu?.ClientMicroseconds ?? double.NaN;
                serverCpu[i] += cpu?.ServerMicroseconds ?? double.NaN;
            }
        var results = new Dictionary<string, (double, Dictionary<string, object>)>();
        for (var i = 0; i < workloads.Length; i++)
        {
            var parameters = workloads[i].Parameters;
            parameters["rounds"] = Rounds;
            parameters["measured"] = "alternating rounds with " + string.Join(", ", workloads.Where((_, j) => j != i).Select(w => w.Name));
            if (!double.IsNaN(client[i])) parameters["client_cpu_us_per_event"] = Math.Round(client[i] / Rounds, 1);
            if (!double.IsNaN(serverCpu[i])) parameters["server_cpu_us_per_event"] = Math.Round(serverCpu[i] / Rounds, 1);
            results[workloads[i].Name] = (sums[i] / Rounds, parameters);
        }
        return results;
    }

    /// <summary>Adds the baseline measured in the rounds, or returns the one this run measured before.</summary>
    private Metric BaselineOf(string name, Dictionary<string, (double Rate, Dictionary<string, object> Parameters)> measured) =>
        report.Find(name) is { Value: not null } before
            ? before
            : Add(new Metric { Name = name, Unit = "ev/s", Value = measured[name].Rate, Params = measured[name].Parameters });

    /// <summary>Adds the store figure measured in the rounds against its baseline, or records why there is none.</summary>
    private void StoreOf(string name, Metric baseline, Dictionary<string, (double Rate, Dictionary<string, object> Parameters)> measured)
    {
        if (!measured.TryGetValue(name, out var figure))
        {
            report.Skip(name, baseline.Unit, _unavailable ?? "no store under test");
            return;
        }
        Add(new Metric { Name = name, Unit = baseline.Unit, Value = figure.Rate, Params = figure.Parameters }.Against(baseline));
    }
}
