using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Simulation;

namespace Hybrid.Tests.Integration.Simulation;

public sealed class InvariantTests
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void a_run_with_every_kind_of_fault_keeps_every_invariant(int seed)
    {
        var report = new Simulator(Application.simulated, new SimulationOptions { Seed = seed, Steps = 6_000 }).Run();

        Assert.True(report.Passed, report.Violation?.ToString());
        Assert.All(InvariantNames.all, name => Assert.True(report.Checks[name] > 0, $"'{name}' verified nothing."));
        Assert.True(report.Stats.CommandsAccepted > 0);
        Assert.True(report.Stats.CommandsRejected > 0);
        Assert.True(report.Stats.CommandsUnauthorized > 0);
        Assert.True(report.Stats.EffectsRun > 0);
    }

    [Fact]
    public void runs_over_several_seeds_meet_every_kind_of_fault()
    {
        var faults = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0L);
        foreach (var seed in new[] { 21, 22, 23 })
        {
            var report = new Simulator(Application.simulated, new SimulationOptions { Seed = seed, Steps = 6_000, Databases = 2 }).Run();
            Assert.True(report.Passed, report.Violation?.ToString());
            foreach (var (kind, count) in report.Faults) faults[kind] += count;
        }
        Assert.All(faults, f => Assert.True(f.Value > 0, $"No {f.Key} was injected."));
    }
}
