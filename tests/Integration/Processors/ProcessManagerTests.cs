using System.Text.Json;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Scheduling;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// A process manager per order: a placed order schedules a payment timeout; a payment records itself and cancels the
/// timeout; a timeout of an unpaid order cancels it. Its state comes from its own events; its deadline is an event.
/// </summary>
public sealed class ProcessManagerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(30);

    private static string? OrderOf(RecordedEvent e) =>
        e.Type is Ordering.Types.OrderPlaced or "OrderPaid" ? JsonDocument.Parse(e.Body).RootElement.GetProperty("order").GetString() : null;

    internal sealed record OrderState(bool Paid, bool Cancelled);

    /// <summary>The manager; <paramref name="dueIn"/> sets the timeout relative to the order (negative: in the past).</summary>
    internal static ProcessManager PaymentTimeout(TimeSpan dueIn) => ProcessManager.Create<OrderState>(
        "payment-timeout", [QueryItem.OfTypes(Ordering.Types.OrderPlaced, "OrderPaid")], OrderOf, new OrderState(false, false),
        (state, e) => e.Type switch
        {
            "PaymentRecorded" => state with { Paid = true },
            "OrderCancelled" => state with { Cancelled = true },
            _ => state,
        },
        (context, state, input) => input switch
        {
            ProcessInput.Event { Item.Type: Ordering.Types.OrderPlaced } placed =>
                ProcessDecision.Nothing.AndSchedule(DeadlineRequest.At("payment", placed.Item.Timestamp + dueIn)),
            ProcessInput.Event { Item.Type: "OrderPaid" } when !state.Paid && !state.Cancelled =>
                ProcessDecision.Emitting(Recorded("PaymentRecorded", context.Key)).AndCancel("payment"),
            ProcessInput.Deadline { Item.Name: "payment" } when !state.Paid =>
                ProcessDecision.Emitting(Recorded("OrderCancelled", context.Key)),
            _ => ProcessDecision.Nothing,
        });

    private static EventData Recorded(string type, string order) => EventData.Tagged(type, JsonSerializer.Serialize(new { order }), $"order:{order}");

    private static DeadlineScheduler Scheduler(ProcessorBed bed, ProcessManager manager) =>
        new(bed.Store, new UuidV7IdSource(bed.Clock), bed.Clock, [manager], new DeadlineOptions(), NullLogger.Instance);

    private static async Task<(RecordedEvent[] Fired, RecordedEvent[] Cancelled)> Outcome(ProcessorBed bed) =>
        (await bed.OfType("acme", Deadlines.FiredType), await bed.OfType("acme", "OrderCancelled"));

    [Fact]
    public async Task a_deadline_fires_at_its_time_never_before_and_the_manager_acts_on_it_once()
    {
        await using var bed = new ProcessorBed();
        var manager = PaymentTimeout(Timeout);
        var placedAt = bed.Clock.GetUtcNow();
        await bed.Place("acme", ("o1", false));
        await bed.Node(ProcessManagerModule.toProcessor(manager));
        var scheduler = Scheduler(bed, manager);
        await bed.Until(async () => (await bed.OfType("acme", Deadlines.ScheduledType)).Length == 1, "the timeout is scheduled");

        bed.Clock.SetUtcNow(placedAt + Timeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await scheduler.RunDue(default));
        bed.Clock.SetUtcNow(placedAt + Timeout);
        Assert.Equal(1, await scheduler.RunDue(default));
        Assert.Equal(0, await scheduler.RunDue(default));
        await bed.Until(async () => (await Outcome(bed)).Cancelled.Length == 1, "the unpaid order is cancelled");

        var (fired, cancelled) = await Outcome(bed);
        Assert.True(Assert.Single(fired).Timestamp >= placedAt + Timeout);
        Assert.Equal(fired[0].Id.ToString(), Assert.Single(cancelled).Metadata.CausationId);
        Assert.Contains(Deadlines.instanceTag("payment-timeout", "o1"), cancelled[0].Tags);
    }

    [Fact]
    public async Task a_cancelled_deadline_never_fires_and_the_manager_state_comes_from_its_own_events()
    {
        await using var bed = new ProcessorBed();
        var manager = PaymentTimeout(Timeout);
        await bed.Place("acme", ("o1", false));
        await bed.Node(ProcessManagerModule.toProcessor(manager));
        var scheduler = Scheduler(bed, manager);
        await bed.Until(async () => (await bed.OfType("acme", Deadlines.ScheduledType)).Length == 1, "the timeout is scheduled");
        await bed.Append("acme", Recorded("OrderPaid", "o1"), Recorded("OrderPaid", "o1"));
        await bed.Until(async () => (await bed.OfType("acme", Deadlines.CancelledType)).Length == 1, "the payment cancels the timeout");

        bed.Clock.Advance(Timeout * 2);
        Assert.Equal(0, await scheduler.RunDue(default));

        Assert.Single(await bed.OfType("acme", "PaymentRecorded"));
        Assert.Empty((await Outcome(bed)).Fired);
        Assert.Null(scheduler.NextDue);
    }

    [Fact]
    public async Task a_pending_deadline_survives_a_restart_and_fires_once_from_a_new_scheduler()
    {
        await using var bed = new ProcessorBed();
        var manager = PaymentTimeout(Timeout);
        await bed.Place("acme", ("o1", false));
        var node = await bed.Node(ProcessManagerModule.toProcessor(manager));
        var before = Scheduler(bed, manager);
        await bed.Until(async () => (await bed.OfType("acme", Deadlines.ScheduledType)).Length == 1, "the timeout is scheduled");
        Assert.Equal(0, await before.RunDue(default));
        await node.CrashAsync();
        await before.DisposeAsync();

        bed.Clock.Advance(Timeout * 3);
        var after = Scheduler(bed, manager);
        await bed.Node(ProcessManagerModule.toProcessor(manager));
        var fired = await Task.WhenAll(after.RunDue(default), Scheduler(bed, manager).RunDue(default));

        Assert.Equal(1, fired.Sum());
        await bed.Until(async () => (await Outcome(bed)).Cancelled.Length == 1, "the order is cancelled after the restart");
        Assert.Single((await Outcome(bed)).Fired);
    }

    [Fact]
    public async Task a_deadline_in_the_past_fires_once_at_the_next_round()
    {
        await using var bed = new ProcessorBed();
        var manager = PaymentTimeout(-TimeSpan.FromHours(1));
        await bed.Place("acme", ("o1", false));
        await bed.Node(ProcessManagerModule.toProcessor(manager));
        var (a, b) = (Scheduler(bed, manager), Scheduler(bed, manager));
        await bed.Until(async () => (await bed.OfType("acme", Deadlines.ScheduledType)).Length == 1, "the timeout is scheduled");

        var fired = await Task.WhenAll(a.RunDue(default), b.RunDue(default), a.RunDue(default));

        Assert.Equal(1, fired.Sum());
        await bed.Until(async () => (await Outcome(bed)).Cancelled.Length == 1, "the order is cancelled at once");
        Assert.Single((await Outcome(bed)).Fired);
    }

    [Fact]
    public void an_invalid_manager_is_refused_naming_it_and_what_is_wrong()
    {
        var bad = ProcessManager.Create<int>("bad name", [], _ => null!, 0, (s, _) => s, (_, _, _) => ProcessDecision.Nothing);
        var error = Assert.Throws<ArgumentException>(() => new Shell.Hosting.HybridBuilder(new Microsoft.Extensions.DependencyInjection.ServiceCollection())
            .AddProcessManager(bad));
        Assert.Contains("'bad name'", error.Message);
        Assert.Contains("no topics", error.Message);
    }
}
