using System.CommandLine;
using Hybrid.InMemory.Simulation;
using Spectre.Console;

namespace Hybrid.Sample.Host;

using Command = System.CommandLine.Command;

/// <summary>`simulate --seed N --steps M [--tenants T]`: the deterministic simulation with faults, then its summary.</summary>
internal static class SimulateCommand
{
    public static System.CommandLine.Command Create()
    {
        var seed = new Option<int>("--seed") { Description = "The seed: the same seed gives the same run.", DefaultValueFactory = _ => 1 };
        var steps = new Option<long>("--steps") { Description = "How many steps to simulate.", DefaultValueFactory = _ => 100_000 };
        var tenants = new Option<int>("--tenants") { Description = "How many tenants.", DefaultValueFactory = _ => 4 };
        var plant = new Option<Sabotage>("--plant-bug")
        {
            Description = "Plant a deliberate bug in the shell, to watch an invariant catch it.",
            DefaultValueFactory = _ => Sabotage.None,
        };
        var lmdb = new Option<string?>("--lmdb")
        {
            Description = "The LMDB directory of the read models' second-level cache (default: a fresh temporary one, removed afterwards).",
        };
        var memoryOnly = new Option<bool>("--memory-only") { Description = "Keep read models in memory only (no LMDB cache)." };
        var command = new System.CommandLine.Command("simulate", "Run the deterministic simulation with injected faults and check the invariants.")
        {
            seed, steps, tenants, plant, lmdb, memoryOnly,
        };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(lmdb);
            var temporary = given is null && !parse.GetValue(memoryOnly)
                ? Path.Combine(Path.GetTempPath(), $"hybrid-simulate-{Guid.NewGuid():N}")
                : null;
            var options = new SimulationOptions
            {
                Seed = parse.GetValue(seed),
                Steps = parse.GetValue(steps),
                Tenants = parse.GetValue(tenants),
                Sabotage = parse.GetValue(plant),
                ReadModelCacheDirectory = parse.GetValue(memoryOnly) ? null : given ?? temporary,
            };
            if (options.Steps < 0 || options.Tenants < 1)
            {
                AnsiConsole.MarkupLine("[red]--steps must be 0 or more and --tenants 1 or more.[/]");
                return 2;
            }
            try
            {
                var report = Run(options);
                SimulationSummary.Print(report);
                return report.Passed ? 0 : 1;
            }
            finally
            {
                if (temporary is not null && Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            }
        });
        return command;
    }

    private static SimulationReport Run(SimulationOptions options)
    {
        AnsiConsole.MarkupLine($"Simulating [bold]{options.Steps:N0}[/] steps over [bold]{options.Tenants}[/] tenants, " +
            $"seed [bold]{options.Seed}[/], with faults.");
        using var simulator = new Simulator(Hybrid.Sample.Application.simulated, options);
        SimulationReport? report = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("steps", maxValue: Math.Max(1, options.Steps));
                report = simulator.Run(new SyncProgress(step => task.Value = step));
                task.Value = task.MaxValue;
            });
        return report!;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
