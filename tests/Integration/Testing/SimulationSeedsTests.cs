using System.Reflection;
using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Testing;

namespace Hybrid.Tests.Integration.Testing;

/// <summary>A user's simulation written as an xunit theory: one test case per seed, a failed seed replayed alone.</summary>
public sealed class SimulationSeedsTests
{
    [Theory, SimulationSeeds(3, First = 11)]
    public void the_sample_keeps_its_own_invariants_on_each_seed_as_its_own_test_case(int seed)
    {
        var report = Hybrid.Testing.Simulation.check(Application.simulated,
            new SimulationOptions { Seed = seed, Steps = 400, Tenants = 2, Invariants = [.. SampleInvariants.all] });
        Assert.True(report.Passed);
        Assert.Equal(seed, report.Options.Seed);
    }

    [Fact]
    public void a_theory_gets_one_case_per_seed_from_the_first()
    {
        var method = typeof(SimulationSeedsTests).GetMethod(nameof(the_sample_keeps_its_own_invariants_on_each_seed_as_its_own_test_case))!;
        var attribute = method.GetCustomAttribute<SimulationSeedsAttribute>()!;
        Assert.Equal([11, 12, 13], SimulationSeedsAttribute.Seeds(attribute.Count, attribute.First, replay: null!));
    }

    [Fact]
    public void a_seed_in_the_replay_variable_runs_alone()
    {
        Assert.Equal([4711], SimulationSeedsAttribute.Seeds(5, 1, " 4711 "));
        Assert.Equal("HYBRID_SIMULATION_SEED", SimulationSeedsAttribute.ReplayVariable);
    }

    [Fact]
    public void a_replay_variable_that_is_not_a_seed_is_an_error_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => SimulationSeedsAttribute.Seeds(5, 1, "seven"));
        Assert.Contains("HYBRID_SIMULATION_SEED holds 'seven'", error.Message);
        Assert.Throws<ArgumentException>(() => SimulationSeedsAttribute.Seeds(0, 1, null!));
    }
}
