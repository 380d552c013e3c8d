// Steps per second of the deterministic simulation harness running the sample application.
using Hybrid.Bench.Results;
using Hybrid.InMemory.Simulation;
using Hybrid.Sample;

namespace Hybrid.Bench.Simulation;

/// <summary>Measures <c>sim.steps_per_s</c>: the sample application on virtual time with the default faults.</summary>
public sealed class SimulationBench(BenchSizes sizes, BenchReport report, TextWriter log)
{
    /// <summary>Runs one seeded simulation and reports its rate; a violated invariant fails the benchmark.</summary>
    public void Run()
    {
        var options = new SimulationOptions { Seed = 42, Steps = sizes.SimulationSteps, Tenants = 4 };
        var result = new Simulator(Application.simulated, options).Run();
        if (!result.Passed) throw new InvalidOperationException($"The simulation broke an invariant: {result.Violation}");
        report.Add(new Metric
        {
            Name = "sim.steps_per_s", Value = result.StepsPerSecond, Unit = "steps/s",
            Params = new Dictionary<string, object>
            {
                ["seed"] = options.Seed, ["steps"] = result.StepsTaken, ["drain_steps"] = result.DrainSteps, ["tenants"] = options.Tenants,
                ["nodes"] = options.Nodes, ["events"] = result.Events, ["faults"] = "default rates", ["seconds"] = Math.Round(result.Elapsed.TotalSeconds, 2),
                ["replay"] = options.ReplayCommand,
            },
        });
        log.WriteLine($"  sim.steps_per_s {result.StepsPerSecond:N0} ({result.StepsTaken:N0} steps, {result.Events:N0} events in {result.Elapsed.TotalSeconds:0.0} s)");
    }
}
