using System.Diagnostics.Metrics;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Operations;

/// <summary>
/// Scheduled retention on every store, on a fake clock: the policies declared in <c>AddHybrid</c> run as the periodic
/// task <see cref="Retention.TaskName"/> once per tenant and due instant across nodes, purge through the purge path with
/// an audit event, count metrics, and the operator's dry run shows what would go and changes nothing. The host is built,
/// not started: the test drives the scheduler's rounds.
/// </summary>
public abstract class ScheduledRetentionConformance : IAsyncLifetime
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    // Twenty minutes past an hour, so that the test's last minute never crosses the hourly schedule's next instant
    // (started at the real time, a run beginning in the minute before a full hour saw a third trigger).
    private readonly FakeTimeProvider _clock = new(TwentyPastTheHour(DateTimeOffset.UtcNow));
    private IHost _host = null!;

    private static DateTimeOffset TwentyPastTheHour(DateTimeOffset now) =>
        new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 20, 0, TimeSpan.Zero);

    /// <summary>Chooses the store under test.</summary>
    protected abstract Task Use(HybridBuilder hybrid);

    private HybridOperations Ops => _host.Services.GetRequiredService<HybridOperations>();
    private IEventStore Store => _host.Services.GetRequiredService<IEventStore>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddHybrid(hybrid =>
        {
            Use(hybrid).GetAwaiter().GetResult();
            hybrid.AddRetentionPolicy("PageViewed", MaxAge).Retention(r => r.Schedule = Schedule.NewEvery(TimeSpan.FromHours(1)));
        });
        _host = builder.Build();
        _ = _host.Services.GetRequiredService<PeriodicScheduler>(); // started now: instants before this are not due
        await Append("acme", EventData.Tagged("PageViewed", "{\"page\":1}", "session:1"), EventData.Create("OrderPlaced", "{}", "order-1"),
            EventData.Tagged("PageViewed", "{\"page\":2}", "session:2"));
        await Append("globex", EventData.Tagged("PageViewed", "{\"page\":3}", "session:3"));
    }

    public async Task DisposeAsync()
    {
        if (_host is IAsyncDisposable d) await d.DisposeAsync();
        else _host.Dispose();
    }

    private Task Append(string tenant, params EventData[] events) =>
        Store.Append(AppendRequest.Of(tenant, events.Select(e => new ProposedEvent(Guid.CreateVersion7(), e, EventMetadata.Empty)).ToArray()), default);

    private async Task<string[]> Types(string tenant) => (await Store.Read(tenant, EventQuery.All, default)).Select(e => e.Type).ToArray();

    [Fact]
    public async Task retention_runs_on_its_schedule_once_per_tenant_and_instant_with_an_audit_event_and_metrics()
    {
        long purgedMetric = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "hybrid.retention.events_purged") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref purgedMetric, value));
        listener.Start();
        var scheduler = _host.Services.GetRequiredService<PeriodicScheduler>();

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, await scheduler.RunDue(default)); // one trigger per tenant; nothing is old enough yet
        Assert.Equal(["PageViewed", "OrderPlaced", "PageViewed", Triggers.TriggeredType], await Types("acme"));

        _clock.Advance(MaxAge);
        Assert.Equal(2, await scheduler.RunDue(default));

        Assert.Equal([Purging.PurgedType, "OrderPlaced", Purging.PurgedType, Triggers.TriggeredType, Triggers.TriggeredType, Purging.AuditType],
            await Types("acme"));
        Assert.Equal([Purging.PurgedType, Triggers.TriggeredType, Triggers.TriggeredType, Purging.AuditType], await Types("globex"));
        var audit = (await Store.Read("acme", EventQuery.OfTypes(Purging.AuditType), default)).Single();
        Assert.Equal(RetentionJob.Actor, audit.Metadata.Actor);
        Assert.StartsWith($"trigger:{Retention.TaskName}@", audit.Metadata.CorrelationId);
        Assert.Contains("PageViewed older than 30.00:00:00", audit.Body);
        Assert.True(Interlocked.Read(ref purgedMetric) >= 3, $"events_purged counted {purgedMetric}");

        // Another node at the same instant finds the triggers written: it purges nothing and writes no second audit.
        var otherNode = new PeriodicScheduler(Store, UuidV7IdSource.System, _clock, [Retention.task(Schedule.NewEvery(TimeSpan.FromHours(1)), TenantSelection.AllTenants)],
            new SchedulerOptions(), jobs: new Dictionary<string, TickJob> { [Retention.TaskName] = _host.Services.GetRequiredService<RetentionJob>().RunTickAsync });
        await Append("acme", EventData.Tagged("PageViewed", "{\"page\":4}", "session:4"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await otherNode.RunDue(default));
        Assert.Single(await Store.Read("acme", EventQuery.OfTypes(Purging.AuditType), default));
    }

    [Fact]
    public async Task the_dry_run_shows_what_would_be_purged_per_tenant_and_type_and_changes_nothing_then_the_run_purges_it()
    {
        _clock.Advance(MaxAge + TimeSpan.FromDays(1));
        var heads = (await Store.GetHead("acme", default), await Store.GetHead("globex", default));

        var preview = await Ops.PreviewRetention(null, default);

        Assert.Equal([("acme", "PageViewed", 2, 1L, 3L), ("globex", "PageViewed", 1, 1L, 1L)],
            preview.Select(r => (r.Tenant, r.EventType, r.Events, r.FirstPosition, r.LastPosition)));
        Assert.Equal(heads, (await Store.GetHead("acme", default), await Store.GetHead("globex", default)));
        Assert.DoesNotContain(Purging.PurgedType, await Types("acme"));

        var applied = await Ops.ApplyRetention("acme", null, default);

        Assert.Equal([("acme", "PageViewed", 2)], applied.Select(r => (r.Tenant, r.EventType, r.Events)));
        Assert.Empty(await Ops.PreviewRetention("acme", default));
        Assert.Single(await Ops.PreviewRetention("globex", default));
    }

    [Fact]
    public async Task retention_for_an_unknown_or_malformed_tenant_is_refused_and_changes_nothing()
    {
        _clock.Advance(MaxAge + TimeSpan.FromDays(1));

        Assert.Equal(OperationRefusal.UnknownTenant, (await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.ApplyRetention("initech", null, default))).Refusal);
        Assert.Equal(OperationRefusal.InvalidInput, (await Assert.ThrowsAsync<OperationRefusedException>(() => Ops.PreviewRetention("no such tenant!", default))).Refusal);
        Assert.DoesNotContain(Purging.PurgedType, await Types("acme"));
        Assert.Equal(3, await Store.GetHead("acme", default));
    }

    [Fact]
    public void a_bad_or_repeated_policy_is_refused_by_AddHybrid_naming_the_field()
    {
        static InvalidInputException Refused(Action<HybridBuilder> policies) => Assert.Throws<InvalidInputException>(() =>
            new ServiceCollection().AddHybrid(h => policies(h.UseEventStore(_ => null!).UseLeaseStore(_ => null!).UseDeadLetterStore(_ => null!))));

        Assert.Equal("maxAge", Refused(h => h.AddRetentionPolicy("PageViewed", TimeSpan.Zero)).Field);
        Assert.Equal("eventType", Refused(h => h.AddRetentionPolicy("", MaxAge)).Field);
        Assert.Contains("Two retention policies name 'PageViewed'",
            Refused(h => h.AddRetentionPolicy("PageViewed", MaxAge).AddRetentionPolicy("PageViewed", MaxAge * 2)).Message);
    }
}
