// Steps per second of the deterministic simulation harness running the sample application, with and without the
// sample's own invariants, and the time shrinking takes on the sample with a planted bug.
using System.Diagnostics;
using Hybrid.Bench.Results;
using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Testing;

namespace Hybrid.Bench.Simulation;

/// <summary>
/// Measures <c>sim.steps_per_s</c> (the sample application on virtual time with the default faults), the same run with
/// the sample's two invariants added (<c>sim.user_invariants.steps_per_s</c>, as a ratio to the first), and
/// <c>sim.shrink.seconds</c>: shrinking a failing 20,000-step run of the sample with a planted bug.
/// </summary>
public sealed class SimulationBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    /// <summary>Runs the seeded simulations; a violated invariant fails the benchmark.</summary>
    public void Run()
    {
        var options = new SimulationOptions { Seed = 42, Steps = sizes.SimulationSteps, Tenants = 4 };
        // Warm-up: one whole run of the measured shape, so that the JIT's optimised tier has replaced the first code
        // even when other work holds the cores (its background compiler then runs late).
        Simulate(options with { Seed = 1 });
        // The two runs alternate, so that both see the same machine (others' load drifts over seconds).
        var withInvariantsOptions = options with { Invariants = [.. SampleInvariants.all] };
        var plainRuns = new List<(SimulationReport, TimeSpan)>();
        var invariantRuns = new List<(SimulationReport, TimeSpan)>();
        for (var round = 0; round < Rounds; round++)
        {
            plainRuns.Add(Simulate(options));
            invariantRuns.Add(Simulate(withInvariantsOptions));
        }
        var plain = Measure("sim.steps_per_s", options, plainRuns);
        report.Add(plain);
        report.Add(Measure("sim.user_invariants.steps_per_s", withInvariantsOptions, invariantRuns).Against(plain));
        Shrink();
    }

    private static (SimulationReport Report, TimeSpan Cpu) Simulate(SimulationOptions options)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        using var simulator = new Simulator(Application.simulated, options);
        var result = simulator.Run();
        if (!result.Passed) throw new InvalidOperationException($"The simulation broke an invariant: {result.Violation}");
        return (result, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private const int Rounds = 2;

    /// <summary>The mean of the runs' steps per second, with their steps per CPU second beside it.</summary>
    private Metric Measure(string name, SimulationOptions options, List<(SimulationReport Report, TimeSpan Cpu)> runs)
    {
        var result = runs[^1].Report;
        var rate = runs.Average(r => r.Report.StepsPerSecond);
        var cpu = runs.Sum(r => r.Cpu.TotalSeconds);
        var steps = runs.Sum(r => r.Report.StepsTaken + r.Report.DrainSteps);
        var perCpuSecond = cpu > 0 ? steps / cpu : 0;
        var seconds = runs.Sum(r => r.Report.Elapsed.TotalSeconds);
        log.WriteLine($"  {name} {rate:N0} (mean of {runs.Count} runs of {result.StepsTaken:N0} steps, {result.Events:N0} events, " +
                      $"{string.Join(" / ", runs.Select(r => $"{r.Report.Elapsed.TotalSeconds:0.0} s"))}; {perCpuSecond:N0} steps per CPU second)");
        return new Metric
        {
            Name = name, Value = rate, Unit = "steps/s",
            Params = new Dictionary<string, object>
            {
                ["seed"] = options.Seed, ["steps"] = result.StepsTaken, ["drain_steps"] = result.DrainSteps, ["tenants"] = options.Tenants,
                ["nodes"] = options.Nodes, ["events"] = result.Events, ["faults"] = "default rates", ["runs"] = runs.Count,
                ["figure"] = "mean of the runs, alternating with the other simulation benchmark", ["seconds"] = Math.Round(seconds, 2),
                ["cpu_seconds"] = Math.Round(cpu, 2), ["steps_per_cpu_s"] = Math.Round(perCpuSecond),
                ["user_invariants"] = options.Invariants.Count, ["replay"] = options.ReplayCommand,
            },
        };
    }

    /// <summary>Shrinks the failing run of the sample with a planted bug (its read model forgets deleted items).</summary>
    private void Shrink()
    {
        var options = new SimulationOptions { Seed = 42, Steps = 20_000, Tenants = 4, Invariants = [.. SampleInvariants.all] };
        var failing = Hybrid.Testing.Simulation.run(PlantedBugs.application, options);
        if (failing.Passed) throw new InvalidOperationException("The planted bug went unnoticed.");
        var shrunk = Hybrid.Testing.Simulation.shrink(PlantedBugs.application, options, failing);
        log.WriteLine($"  sim.shrink.seconds {shrunk.Elapsed.TotalSeconds:0.0}: {shrunk.Summary}");
        report.Add(new Metric
        {
            Name = "sim.shrink.seconds", Value = Math.Round(shrunk.Elapsed.TotalSeconds, 2), Unit = "s",
            Params = new Dictionary<string, object>
            {
                ["bug"] = "the todo-lists read model forgets deleted items", ["invariant"] = failing.Violation!.Invariant,
                ["original_steps"] = options.Steps, ["failed_at_step"] = failing.StepsTaken, ["reduced_steps"] = shrunk.Reduced.Steps,
                ["reduced_tenants"] = shrunk.Reduced.Tenants, ["reduced_nodes"] = shrunk.Reduced.Nodes,
                ["reduced_fault_kinds"] = shrunk.Reduced.Faults.Active.Count, ["runs"] = shrunk.Runs,
                ["reduced_replay"] = shrunk.Reduced.ReplayCommand,
            },
        });
    }
}
