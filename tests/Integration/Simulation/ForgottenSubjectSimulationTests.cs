using Hybrid.InMemory.Simulation;
using Hybrid.Sample;

namespace Hybrid.Tests.Integration.Simulation;

/// <summary>
/// Simulations of the sample with its personal data declared: subjects are forgotten now and then (read models rebuilt
/// after), and no run shows a forgotten subject's email again, in the log or in any read model, under faults.
/// </summary>
public sealed class ForgottenSubjectSimulationTests
{
    private static SimulationOptions Options(int seed) => new()
    {
        Seed = seed, Steps = 4_000, Tenants = 2, CheckEvery = 500, Invariants = [.. SampleInvariants.all], PersonalData = Definitions.personalData,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task forgotten_subjects_never_reappear_in_reads_or_read_models_and_every_other_invariant_holds(int seed)
    {
        using var simulator = new Simulator(Application.simulated, Options(seed));
        var report = simulator.Run();

        Assert.True(report.Passed, report.Violation?.ToString());
        Assert.True(report.Stats.SubjectsForgotten > 0, "some subjects were forgotten");
        Assert.True(report.Checks[ForgottenSubjects.Invariant] > 0, "the invariant checked forgotten subjects");
        var tenant = simulator.Context.Forgotten.First(f => f.Value.Count > 0);
        var invites = await simulator.Context.Readable.Read(tenant.Key, EventQuery.OfTypes("CustomerInvited"), default);
        Assert.Contains(invites, e => e.Body.Contains("\"email\":null", StringComparison.Ordinal));
    }

    [Fact]
    public void a_run_with_forgetting_is_the_same_run_for_the_same_seed()
    {
        using var first = new Simulator(Application.simulated, Options(5));
        using var second = new Simulator(Application.simulated, Options(5));
        var (a, b) = (first.Run(), second.Run());
        Assert.Equal(a.LogDigest, b.LogDigest);
        Assert.Equal(a.Stats.SubjectsForgotten, b.Stats.SubjectsForgotten);
    }

    [Fact]
    public void the_check_reports_a_forgotten_value_still_shown_by_a_read_model_or_an_event()
    {
        var forgotten = new[] { new ForgottenSubject("c-1", 5, ["zoe@example.com"]) };
        var redacted = new RecordedEvent(Guid.CreateVersion7(), "t", 1, null!, 0, "CustomerInvited", [], EventBody.OfText("""{"customerId":"c-1","email":null}"""), 1,
            EventMetadata.Empty, DateTimeOffset.UnixEpoch);
        Assert.Empty(ForgottenSubjects.Check("t", Definitions.personalData, forgotten, [redacted], [("customers", "nothing here")]));

        var leakedView = ForgottenSubjects.Check("t", Definitions.personalData, forgotten, [redacted], [("customers", "{\"zoe@example.com\":1}")]);
        Assert.Contains("read model 'customers' still shows 'zoe@example.com'", Assert.Single(leakedView));
        var leakedEvent = new RecordedEvent(redacted.Id, "t", 1, null!, 0, "CustomerInvited", [], EventBody.OfText("""{"customerId":"c-1","email":"zoe@example.com"}"""), 1,
            EventMetadata.Empty, DateTimeOffset.UnixEpoch);
        Assert.Contains("event 1 (CustomerInvited) still shows 'email'", Assert.Single(ForgottenSubjects.Check("t", Definitions.personalData, forgotten, [leakedEvent], [])));
    }
}
