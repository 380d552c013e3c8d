using Hybrid.InMemory.Simulation;
using Hybrid.Sample;

namespace Hybrid.Tests.Integration.Simulation;

public sealed class DeterminismTests
{
    private static SimulationReport Run(int seed, long steps = 3_000) =>
        new Simulator(Application.simulated, new SimulationOptions { Seed = seed, Steps = steps, Tenants = 3 }).Run();

    private static List<string> Log(Simulator simulator) =>
        simulator.Context.Options.TenantIds
            .SelectMany(t => simulator.Context.MemoryStore.Read(t, EventQuery.All, CancellationToken.None).Result)
            .Select(LogDigest.Line).ToList();

    [Fact]
    public void two_runs_with_one_seed_write_the_same_events_in_the_same_order()
    {
        var options = new SimulationOptions { Seed = 7, Steps = 3_000, Tenants = 3 };
        var first = new Simulator(Application.simulated, options);
        var second = new Simulator(Application.simulated, options);
        var firstReport = first.Run();
        var secondReport = second.Run();

        var firstLog = Log(first);
        Assert.NotEmpty(firstLog);
        Assert.Equal(firstLog, Log(second));
        Assert.Equal(firstReport.LogDigest, secondReport.LogDigest);
        Assert.Equal(firstReport.Faults, secondReport.Faults);
    }

    [Fact]
    public void different_seeds_give_different_runs()
    {
        var digests = new[] { 1, 2, 3 }.Select(seed => Run(seed).LogDigest).ToList();
        Assert.Equal(3, digests.Distinct().Count());
    }
}
