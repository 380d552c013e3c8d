using Hybrid.Shell.Ids;
using Hybrid.Shell.Lifecycle;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Retention: events of a type older than the policy's age are purged through the purge path, others stay.</summary>
public abstract class RetentionConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private sealed class LaterClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    private RetentionJob Job(TimeSpan ahead, params RetentionPolicy[] policies) =>
        new(Store, policies, new LaterClock(ahead), UuidV7IdSource.System);

    [Fact]
    public async Task expired_events_of_a_policy_type_are_purged_and_the_rest_stays()
    {
        await AppendOk(Of("PageViewed", null, "session:1"), Of("OrderPlaced", "order-1"), Of("PageViewed", null, "session:2"));
        var result = await Job(TimeSpan.FromDays(31), new RetentionPolicy("PageViewed", TimeSpan.FromDays(30))).ApplyAsync(Tenant, Ct);
        var purged = Assert.IsType<PurgeResult.Purged>(result);
        Assert.Equal([1L, 3L], purged.positions);
        var all = await ReadAll();
        Assert.Equal([Purging.PurgedType, "OrderPlaced", Purging.PurgedType, Purging.AuditType], all.Select(e => e.Type));
    }

    [Fact]
    public async Task events_younger_than_the_policy_age_are_kept_and_nothing_is_appended()
    {
        await AppendOk(Of("PageViewed", null, "session:1"));
        var result = await Job(TimeSpan.FromDays(1), new RetentionPolicy("PageViewed", TimeSpan.FromDays(30))).ApplyAsync(Tenant, Ct);
        Assert.Empty(Assert.IsType<PurgeResult.Purged>(result).positions);
        Assert.Equal(1, await Head());
    }

    [Fact]
    public void a_policy_without_a_positive_age_is_bad_input()
    {
        var error = Assert.Throws<InvalidInputException>(() => Job(TimeSpan.Zero, new RetentionPolicy("PageViewed", TimeSpan.Zero)));
        Assert.Equal("maxAge", error.Field);
    }
}
