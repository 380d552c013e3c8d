using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Simulation;

namespace Hybrid.Tests.Integration.Simulation;

/// <summary>Simulations with tenants spread over several databases through a tenancy map, and database outages.</summary>
public sealed class MultiDatabaseSimulationTests
{
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public async Task a_run_over_three_databases_with_outages_keeps_every_invariant_and_writes_each_tenant_only_to_its_database(int seed)
    {
        var options = new SimulationOptions
        {
            Seed = seed, Steps = 5_000, Tenants = 6, Databases = 3,
            Faults = FaultRates.Default with { DatabaseOutage = 0.005 },
        };
        var simulator = new Simulator(Application.simulated, options);
        var report = simulator.Run();

        Assert.True(report.Passed, report.Violation?.ToString());
        Assert.All(InvariantNames.all, name => Assert.True(report.Checks[name] > 0, $"'{name}' verified nothing."));
        Assert.True(report.Faults[FaultKind.DatabaseOutage] > 0, "no database went down");
        var context = simulator.Context;
        Assert.True(context.Outages!.Refused > 0, "no append met a database that was down");
        Assert.True(report.Stats.CommandsAccepted > 0);
        foreach (var name in context.Databases!.Names)
        {
            var database = await context.Databases.Open(name, CancellationToken.None);
            var tenants = await database.Store.GetTenants(CancellationToken.None);
            Assert.NotEmpty(tenants);
            foreach (var tenant in tenants) Assert.Equal(name, await context.Outages.Map.DatabaseOf(tenant, CancellationToken.None));
        }
    }

    [Fact]
    public void a_multi_database_run_is_deterministic_from_its_seed()
    {
        var options = new SimulationOptions { Seed = 33, Steps = 2_000, Tenants = 4, Databases = 2, Faults = FaultRates.Default with { DatabaseOutage = 0.005 } };
        var first = new Simulator(Application.simulated, options).Run();
        var second = new Simulator(Application.simulated, options).Run();
        Assert.Equal(first.LogDigest, second.LogDigest);
        Assert.Equal(first.Faults, second.Faults);
    }
}
