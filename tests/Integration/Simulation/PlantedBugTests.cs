using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Simulation;

namespace Hybrid.Tests.Integration.Simulation;

/// <summary>Each invariant catches the bug it guards against: the simulation plants the bug and must report it.</summary>
public sealed class PlantedBugTests
{
    // Frequent crashes between effect and checkpoint, and clock jumps (months pass, so invoices get charged),
    // give an effect planted before its checkpoint its chance within a short run.
    private static readonly FaultRates CrashPressure = FaultRates.Default with { ProcessorCrash = 0.3, ClockJump = 0.003 };

    private static SimulationReport RunWith(Sabotage sabotage, int seed, long steps, FaultRates? faults = null) =>
        new Simulator(Application.simulated,
            new SimulationOptions { Seed = seed, Steps = steps, Sabotage = sabotage, Faults = faults ?? FaultRates.Default }).Run();

    [Theory]
    [InlineData(Sabotage.BypassAuthorization, InvariantNames.AuthorizationNeverBypassed, 5_000, false)]
    // Fencing guards every processor's emits, process managers' included: either invariant may see it first.
    [InlineData(Sabotage.IgnoreFencing, InvariantNames.EmitsExactlyOnce + "|" + InvariantNames.ProcessManagersDecideOnce, 20_000, false)]
    [InlineData(Sabotage.RetryWithNewIds, InvariantNames.NoLostOrDuplicatedEvents, 8_000, false)]
    [InlineData(Sabotage.HideAnEvent, InvariantNames.NoLostOrDuplicatedEvents, 5_000, false)]
    [InlineData(Sabotage.EffectBeforeCheckpoint, InvariantNames.EffectsAsDeclared, 20_000, true)]
    [InlineData(Sabotage.FireDeadlinesEarly, InvariantNames.DeadlinesHonoured, 5_000, false)]
    [InlineData(Sabotage.FireDeadlinesTwice, InvariantNames.DeadlinesHonoured, 40_000, false)]
    public void a_planted_bug_is_reported_with_its_invariant_seed_and_step(Sabotage sabotage, string invariants, long steps, bool crashPressure)
    {
        var report = RunWith(sabotage, seed: 5, steps, crashPressure ? CrashPressure : null);

        Assert.False(report.Passed, $"{sabotage} went unnoticed.");
        var violation = report.Violation!;
        Assert.Contains(violation.Invariant, invariants.Split('|'));
        Assert.Equal(5, violation.Seed);
        Assert.InRange(violation.Step, 1, report.StepsTaken + report.DrainSteps);
        Assert.Contains("--seed 5", violation.ToString());
    }

    [Fact]
    public void a_failing_run_replays_from_its_seed_to_the_same_violation()
    {
        var first = RunWith(Sabotage.BypassAuthorization, seed: 9, steps: 5_000);
        var replay = RunWith(Sabotage.BypassAuthorization, seed: 9, steps: 5_000);

        Assert.NotNull(first.Violation);
        Assert.Equal(first.Violation, replay.Violation);
        Assert.Equal(first.LogDigest, replay.LogDigest);
    }
}
