using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Simulation;
using Hybrid.Testing;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Testing;

/// <summary>
/// A C# user's simulations through the kit: invariants written as C# lambdas (Invariant.Create) are checked beside the
/// built-in ones, and one that breaks fails the test with the shrunk replay line, also written to the test output.
/// </summary>
public sealed class CSharpUserSimulationTests(ITestOutputHelper output)
{
    // Engines write as "processor:…" or "periodic:…"; anything else came from a command and names one of its users.
    private static readonly Invariant OnlyKnownActors = Invariant.Create("every command event names a user of the tenant",
        input => input.Log
            .Where(e => !e.Metadata.Actor.Contains(':') && e.Metadata.Actor is not ("ann" or "bob" or "cat" or "eve" or "dan"))
            .Select(e => $"Tenant '{input.Tenant}': event {e.Id} names actor '{e.Metadata.Actor}'."));

    private static readonly Invariant FewerThanFortyEvents = Invariant.Create("a tenant writes fewer than forty events",
        input => input.Log.Length < 40 ? [] : [$"Tenant '{input.Tenant}' has {input.Log.Length} events."]);

    [Fact]
    public void a_csharp_invariant_is_checked_and_one_seed_gives_one_digest()
    {
        var options = new SimulationOptions { Seed = 21, Steps = 1_500, Tenants = 2, CheckEvery = 300, Invariants = [OnlyKnownActors] };
        var first = Hybrid.Testing.Simulation.check(Application.simulated, options);
        var again = Hybrid.Testing.Simulation.check(Application.simulated, options);
        Assert.True(first.Checks[OnlyKnownActors.Name] > 0);
        Assert.Equal(first.LogDigest, again.LogDigest);
        Assert.NotEqual(first.LogDigest, Hybrid.Testing.Simulation.check(Application.simulated, options with { Seed = 22 }).LogDigest);
    }

    [Fact]
    public void a_broken_csharp_invariant_fails_with_the_shrunk_replay_line_written_to_the_output()
    {
        var options = new SimulationOptions { Seed = 5, Steps = 3_000, Tenants = 3, Invariants = [FewerThanFortyEvents] };
        var error = Assert.Throws<SimulationFailedException>(() => Hybrid.Testing.Simulation.checkWith(output, Application.simulated, options));
        Assert.Equal(FewerThanFortyEvents.Name, error.Report.Violation!.Invariant);
        var reduced = error.Shrunk!.Value.Reduced;
        Assert.True(reduced.Steps < options.Steps, error.Shrunk.Value.Summary);
        Assert.Equal(1, reduced.Tenants);
        Assert.Contains($"Reduced replay: SimulationOptions(Seed = {reduced.Seed}, Steps = {reduced.Steps}L, Tenants = 1", error.Message);
        Assert.Equal(FewerThanFortyEvents.Name, Hybrid.Testing.Simulation.run(Application.simulated, reduced).Violation!.Invariant);
    }
}
