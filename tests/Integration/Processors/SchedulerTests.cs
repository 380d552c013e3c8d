using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Simulation;
using Hybrid.InMemory.Time;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Scheduling;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Processors;

public sealed class SchedulerTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static PeriodicTask Hourly(MissedFires policy) =>
        PeriodicTask.Create("hourly", Schedule.NewEvery(TimeSpan.FromHours(1)), _ => []).ForTenants("acme").WithMissedFires(policy);

    /// <summary>The bed's store with append faults; its clock moves only on slow appends, which the tests never inject.</summary>
    private static FaultyEventStore AppendsFailing(Bed bed, FaultInjector faults) =>
        new(bed.Store, faults, new VirtualClock(bed.Clock.GetUtcNow()));

    private sealed class Bed(DateTimeOffset start)
    {
        public FakeTimeProvider Clock { get; } = new(start);
        public InMemoryEventStore Store { get; } = new();

        public PeriodicScheduler Scheduler(params PeriodicTask[] tasks) =>
            new(Store, new UuidV7IdSource(Clock), Clock, tasks, new SchedulerOptions(), NullLogger.Instance);

        public async Task<DateTimeOffset[]> Triggers(string tenant, string task) =>
            (await Store.Read(tenant, EventQuery.OfTags(Hybrid.Triggers.taskTag(task)), default))
            .Select(e => Hybrid.Triggers.lastDue(task, [e]).Value).ToArray();

        /// <summary>Advances in steps, running every scheduler's round after each step (racing when several).</summary>
        public async Task Walk(TimeSpan total, TimeSpan step, params PeriodicScheduler[] schedulers)
        {
            for (var t = TimeSpan.Zero; t < total; t += step)
            {
                Clock.Advance(step);
                await Task.WhenAll(schedulers.Select(s => Task.Run(() => s.RunDue(default))));
            }
        }
    }

    private static DateTimeOffset Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task a_daily_berlin_cron_fires_once_on_the_spring_forward_night_at_the_end_of_the_gap()
    {
        var bed = new Bed(Utc(3, 27, 12, 0));
        await bed.Store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o1", false), EventMetadata.Empty)), default);
        var scheduler = bed.Scheduler(Ordering.nightlySummary);

        await bed.Walk(TimeSpan.FromDays(3), TimeSpan.FromMinutes(10), scheduler);

        // 02:30 CET = 01:30Z; on 29 March 02:30 does not exist and fires at 03:00 CEST = 01:00Z; then 02:30 CEST = 00:30Z.
        Assert.Equal([Utc(3, 28, 1, 30), Utc(3, 29, 1, 0), Utc(3, 30, 0, 30)], await bed.Triggers("acme", "nightly-summary"));
        var summaries = await bed.Store.Read("acme", EventQuery.OfTypes(Ordering.Types.SummaryRequested), default);
        Assert.Equal(3, summaries.Length);
    }

    [Fact]
    public async Task a_daily_berlin_cron_fires_once_on_the_fall_back_night_though_its_local_time_occurs_twice()
    {
        var bed = new Bed(Utc(10, 24, 12, 0));
        var task = PeriodicTask.Create("nightly", Schedule.NewCron("0 30 2 * * *", Berlin), _ => []).ForTenants("acme");
        var scheduler = bed.Scheduler(task);

        await bed.Walk(TimeSpan.FromDays(2), TimeSpan.FromMinutes(10), scheduler);

        // 02:30 CEST = 00:30Z is the first of the two 02:30s on 25 October; 26 October is CET again (01:30Z).
        Assert.Equal([Utc(10, 25, 0, 30), Utc(10, 26, 1, 30)], await bed.Triggers("acme", "nightly"));
    }

    [Fact]
    public async Task two_schedulers_racing_write_exactly_one_trigger_per_tenant_and_due_instant()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var task = PeriodicTask.Create("pulse", Schedule.NewEvery(TimeSpan.FromSeconds(30)), t => [Ordering.orderPlaced($"pulse-{t.DueAt:HHmmss}", false)])
            .ForTenants("acme", "globex");
        var left = bed.Scheduler(task);
        var right = bed.Scheduler(task);

        await bed.Walk(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5), left, right);

        foreach (var tenant in new[] { "acme", "globex" })
        {
            var triggers = await bed.Triggers(tenant, "pulse");
            Assert.Equal(10, triggers.Length);
            Assert.Equal(triggers.Distinct().Count(), triggers.Length);
            Assert.Equal(10, (await bed.Store.Read(tenant, EventQuery.OfTypes(Ordering.Types.OrderPlaced), default)).Length);
        }
    }

    [Fact]
    public async Task skip_missed_fires_nothing_for_a_long_outage_and_resumes_at_the_next_instant()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var scheduler = bed.Scheduler(Hourly(MissedFires.SkipMissed));
        await bed.Walk(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), scheduler);
        Assert.Equal([Utc(6, 1, 1, 0)], await bed.Triggers("acme", "hourly"));

        bed.Clock.Advance(TimeSpan.FromHours(10).Add(TimeSpan.FromMinutes(30)));
        await scheduler.RunDue(default);
        Assert.Single(await bed.Triggers("acme", "hourly"));

        await bed.Walk(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(1), scheduler);
        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 12, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task catch_up_fires_the_latest_missed_instants_up_to_its_bound_oldest_first()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var scheduler = bed.Scheduler(Hourly(MissedFires.NewCatchUp(3)));
        await bed.Walk(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), scheduler);

        bed.Clock.Advance(TimeSpan.FromHours(10).Add(TimeSpan.FromMinutes(30)));
        await scheduler.RunDue(default);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 9, 0), Utc(6, 1, 10, 0), Utc(6, 1, 11, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task a_clock_jumping_back_never_fires_an_instant_twice()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var scheduler = bed.Scheduler(Hourly(MissedFires.NewCatchUp(5)));
        await bed.Walk(TimeSpan.FromHours(3), TimeSpan.FromMinutes(5), scheduler);

        bed.Clock.AdjustTime(Utc(6, 1, 0, 30));
        await bed.Walk(TimeSpan.FromHours(3), TimeSpan.FromMinutes(5), scheduler);
        var restarted = bed.Scheduler(Hourly(MissedFires.NewCatchUp(5)));
        await restarted.RunDue(default);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 2, 0), Utc(6, 1, 3, 0)], await bed.Triggers("acme", "hourly"));
        await bed.Walk(TimeSpan.FromMinutes(35), TimeSpan.FromMinutes(5), restarted);
        Assert.Equal(Utc(6, 1, 4, 0), (await bed.Triggers("acme", "hourly")).Last());
    }

    [Fact]
    public async Task a_restarted_scheduler_continues_from_the_last_trigger_in_the_log()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        await bed.Walk(TimeSpan.FromHours(2), TimeSpan.FromMinutes(5), bed.Scheduler(Hourly(MissedFires.NewCatchUp(10))));
        bed.Clock.Advance(TimeSpan.FromHours(2));

        await bed.Scheduler(Hourly(MissedFires.NewCatchUp(10))).RunDue(default);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 2, 0), Utc(6, 1, 3, 0), Utc(6, 1, 4, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task a_trigger_append_that_fails_in_the_store_is_retried_on_the_next_round_not_given_up()
    {
        var bed = new Bed(Utc(6, 1, 0, 30));
        var faults = new FaultInjector(1, FaultRates.None with { AppendFailedBeforeWrite = 1.0 });
        var failing = AppendsFailing(bed, faults);
        var scheduler = new PeriodicScheduler(failing, new UuidV7IdSource(bed.Clock), bed.Clock, [Hourly(MissedFires.NewCatchUp(10))],
            new SchedulerOptions(), NullLogger.Instance);
        bed.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await scheduler.RunDue(default));
        faults.Enabled = false;
        var fired = await scheduler.RunDue(default);

        Assert.Equal(1, fired);
        Assert.Equal([Utc(6, 1, 1, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task an_instant_whose_trigger_append_failed_in_an_outage_longer_than_its_tolerance_fires_once_the_store_is_back()
    {
        var bed = new Bed(Utc(6, 1, 0, 30));
        var faults = new FaultInjector(1, FaultRates.None with { AppendFailedBeforeWrite = 1.0 });
        var failing = AppendsFailing(bed, faults);
        var scheduler = new PeriodicScheduler(failing, new UuidV7IdSource(bed.Clock), bed.Clock, [Hourly(MissedFires.SkipMissed)],
            new SchedulerOptions(), NullLogger.Instance);
        bed.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await scheduler.RunDue(default)); // 01:00 is due on time, and the store is down
        for (var minute = 0; minute < 10; minute++)
        {
            bed.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(0, await scheduler.RunDue(default));
        }

        faults.Enabled = false; // back at 01:10, nine minutes past the task's one-minute tolerance
        Assert.Equal(1, await scheduler.RunDue(default));
        await bed.Walk(TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(5), scheduler);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 2, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task the_loop_wakes_on_the_virtual_clock_at_each_due_instant()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        await using var scheduler = bed.Scheduler(Hourly(MissedFires.SkipMissed));
        await scheduler.StartAsync(default);
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(50);
            bed.Clock.Advance(TimeSpan.FromHours(1));
            for (var wait = 0; wait < 200 && (await bed.Triggers("acme", "hourly")).Length < i + 1; wait++) await Task.Delay(10);
        }
        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 2, 0), Utc(6, 1, 3, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public void an_invalid_task_is_rejected_with_its_name_and_the_problem()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var bad = PeriodicTask.Create("bad", Schedule.NewCron("every day", TimeZoneInfo.Utc), _ => []);
        var error = Assert.Throws<ArgumentException>(() => bed.Scheduler(bad));
        Assert.Contains("'every day'", error.Message);
        Assert.Contains("bad", error.Message);
    }
    [Fact]
    public async Task a_five_field_cron_fires_on_whole_minutes()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var task = PeriodicTask.Create("quarterly", Schedule.NewCron("*/15 * * * *", TimeZoneInfo.Utc), _ => []).ForTenants("acme");
        var scheduler = bed.Scheduler(task);

        await bed.Walk(TimeSpan.FromMinutes(46), TimeSpan.FromMinutes(1), scheduler);

        Assert.Equal([Utc(6, 1, 0, 15), Utc(6, 1, 0, 30), Utc(6, 1, 0, 45)], await bed.Triggers("acme", "quarterly"));
    }

    [Theory]
    [InlineData("0 25 * * *", "the hour field '25'")]
    [InlineData("0 0 25 * * *", "the hour field '25'")]
    [InlineData("61 * * * * *", "the second field '61'")]
    [InlineData("* * 32 * *", "the day-of-month field '32'")]
    [InlineData("* * * 13 *", "the month field '13'")]
    [InlineData("* * * * FUNDAY", "the day-of-week field 'FUNDAY'")]
    [InlineData("* * * *", "has 4 field(s)")]
    public void a_malformed_cron_is_refused_naming_the_task_and_the_bad_field(string cron, string named)
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var task = PeriodicTask.Create("broken", Schedule.NewCron(cron, TimeZoneInfo.Utc), _ => []);
        var error = Assert.Throws<ArgumentException>(() => bed.Scheduler(task));
        Assert.Contains("'broken'", error.Message);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task a_task_condition_of_its_own_declines_the_instants_it_rejects_and_lets_the_others_fire()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var task = PeriodicTask.Create("hourly", Schedule.NewEvery(TimeSpan.FromHours(1)), _ => []).ForTenants("acme")
            .When(tick => AppendCondition.Where(EventQuery.OfTags("holiday:" + tick.DueAt.ToString("HH")), e => e.Length == 0, "not a holiday hour"));
        await bed.Store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), EventData.Tagged("Holiday", "{}", "holiday:02"), EventMetadata.Empty)), default);
        var scheduler = bed.Scheduler(task);

        await bed.Walk(TimeSpan.FromHours(3), TimeSpan.FromMinutes(10), scheduler);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 3, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task a_task_condition_that_throws_gives_its_instant_up_instead_of_retrying_it_as_a_store_failure_and_holding_back_later_ones()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var task = PeriodicTask.Create("hourly", Schedule.NewEvery(TimeSpan.FromHours(1)), _ => []).ForTenants("acme")
            .WithMissedFires(MissedFires.NewCatchUp(5))
            .When(tick => tick.DueAt.Hour == 1 ? throw new InvalidOperationException("no rate for 01:00") : AppendCondition.NoCondition);
        var scheduler = bed.Scheduler(task);

        await bed.Walk(TimeSpan.FromMinutes(185), TimeSpan.FromMinutes(5), scheduler);

        Assert.Equal([Utc(6, 1, 2, 0), Utc(6, 1, 3, 0)], await bed.Triggers("acme", "hourly"));
    }

    [Fact]
    public async Task a_tenant_registered_after_the_scheduler_started_is_not_caught_up_on_instants_from_before_it_existed()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var catalogue = new Hybrid.InMemory.Tenants.InMemoryTenantCatalogue(bed.Clock);
        await catalogue.Register("early", default);
        var task = PeriodicTask.Create("hourly", Schedule.NewEvery(TimeSpan.FromHours(1)), _ => []).WithMissedFires(MissedFires.NewCatchUp(5));
        var scheduler = new PeriodicScheduler(bed.Store, new UuidV7IdSource(bed.Clock), bed.Clock, [task], new SchedulerOptions(), NullLogger.Instance, catalogue);
        await bed.Walk(TimeSpan.FromMinutes(150), TimeSpan.FromMinutes(10), scheduler);

        await catalogue.Register("late", default); // at 02:30
        await bed.Walk(TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(10), scheduler);

        Assert.Equal([Utc(6, 1, 1, 0), Utc(6, 1, 2, 0), Utc(6, 1, 3, 0)], await bed.Triggers("early", "hourly"));
        Assert.Equal([Utc(6, 1, 3, 0)], await bed.Triggers("late", "hourly"));
    }

    [Fact]
    public async Task a_task_for_all_tenants_fires_for_every_registered_tenant_events_or_not()
    {
        var bed = new Bed(Utc(6, 1, 0, 0));
        var catalogue = new Hybrid.InMemory.Tenants.InMemoryTenantCatalogue(bed.Clock);
        await catalogue.Register("quiet", default);
        await bed.Store.Append(AppendRequest.Of("busy", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("o1", false), EventMetadata.Empty)), default);
        var task = PeriodicTask.Create("hourly", Schedule.NewEvery(TimeSpan.FromHours(1)), _ => []);
        var scheduler = new PeriodicScheduler(bed.Store, new UuidV7IdSource(bed.Clock), bed.Clock, [task], new SchedulerOptions(), NullLogger.Instance, catalogue);

        await bed.Walk(TimeSpan.FromMinutes(70), TimeSpan.FromMinutes(10), scheduler);

        Assert.Equal([Utc(6, 1, 1, 0)], await bed.Triggers("quiet", "hourly"));
        Assert.Equal([Utc(6, 1, 1, 0)], await bed.Triggers("busy", "hourly"));
    }
}
