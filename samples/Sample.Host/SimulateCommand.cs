using System.CommandLine;
using Hybrid.InMemory.Simulation;
using Spectre.Console;

namespace Hybrid.Sample.Host;

using Command = System.CommandLine.Command;

/// <summary>
/// `simulate --seed N --steps M [--tenants T] [--databases D] [--plant-bug B] [--lmdb DIR | --memory-only]`: the deterministic
/// simulation with faults, then its summary and the line that replays it.
/// </summary>
internal static class SimulateCommand
{
    public static System.CommandLine.Command Create()
    {
        var seed = CliArguments.Number("--seed", "The seed: the same seed gives the same run", 1, int.MinValue, int.MaxValue);
        var steps = CliArguments.Number("--steps", "How many steps to simulate", 100_000, 0, 100_000_000);
        var tenants = CliArguments.Number("--tenants", "How many tenants", 4, 1, 1_000);
        var databases = CliArguments.Number("--databases", "How many databases the tenants are spread over (with outages as a fault)", 1, 1, 16);
        var plant = CliArguments.Choice("--plant-bug", "Plant a deliberate bug in the shell, to watch an invariant catch it.", Sabotage.None);
        var lmdb = CliArguments.Text("--lmdb",
            "The LMDB directory of the read models' second-level cache (default: a fresh temporary one, removed afterwards).", null);
        var memoryOnly = new Option<bool>("--memory-only") { Description = "Keep read models in memory only (no LMDB cache)." };
        var command = new System.CommandLine.Command("simulate", "Run the deterministic simulation with injected faults and check the invariants.")
        {
            seed, steps, tenants, databases, plant, lmdb, memoryOnly,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(lmdb) is not null && result.GetValue(memoryOnly))
                result.AddError("--lmdb and --memory-only exclude each other: give one.");
        });
        command.SetAction(parse =>
        {
            var given = parse.GetValue(lmdb);
            var temporary = given is null && !parse.GetValue(memoryOnly)
                ? Path.Combine(Path.GetTempPath(), $"hybrid-simulate-{Guid.NewGuid():N}")
                : null;
            var options = new SimulationOptions
            {
                Seed = (int)parse.GetValue(seed),
                Steps = parse.GetValue(steps),
                Tenants = (int)parse.GetValue(tenants),
                Databases = (int)parse.GetValue(databases),
                Sabotage = parse.GetValue(plant),
                ReadModelCacheDirectory = parse.GetValue(memoryOnly) ? null : given ?? temporary,
                PersonalData = Definitions.personalData,
            };
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
        // Progress only on a terminal: piped output of one seed is the same, byte for byte, run after run.
        if (Console.IsOutputRedirected) return simulator.Run(new SyncProgress(_ => { }));
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
