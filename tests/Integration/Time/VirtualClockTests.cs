using System.Collections.Concurrent;
using Hybrid.InMemory.Time;

namespace Hybrid.Tests.Integration.Time;

/// <summary>The simulation's virtual clock: timers fire in due order as the time moves, and only then.</summary>
public sealed class VirtualClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Once = Timeout.InfiniteTimeSpan;

    private static ITimer Timer(VirtualClock clock, TimeSpan due, TimeSpan period, Action fired) =>
        clock.CreateTimer(_ => fired(), null, due, period);

    [Fact]
    public void timers_fire_in_due_order_and_timers_due_at_one_instant_in_the_order_they_were_scheduled()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<(string Name, DateTimeOffset Seen)>();
        void Record(string name) => fired.Add((name, clock.GetUtcNow()));
        using var late = Timer(clock, TimeSpan.FromSeconds(30), Once, () => Record("late"));
        using var first = Timer(clock, TimeSpan.FromSeconds(20), Once, () => Record("first at 20s"));
        using var second = Timer(clock, TimeSpan.FromSeconds(20), Once, () => Record("second at 20s"));
        using var early = Timer(clock, TimeSpan.FromSeconds(10), Once, () => Record("early"));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["early", "first at 20s", "second at 20s", "late"], fired.Select(f => f.Name));
        Assert.All(fired, f => Assert.Equal(Start.AddMinutes(1), f.Seen)); // callbacks see the time the clock moved to
    }

    [Fact]
    public void a_timer_fires_once_when_the_time_reaches_its_due_time_and_not_before()
    {
        var clock = new VirtualClock(Start);
        var count = 0;
        using var timer = Timer(clock, TimeSpan.FromSeconds(10), Once, () => count++);

        clock.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(0, count);
        clock.SetUtcNow(Start.AddSeconds(10));
        Assert.Equal(1, count);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, count);
    }

    [Fact]
    public void a_periodic_timer_fires_once_for_every_period_the_time_moves_over()
    {
        var clock = new VirtualClock(Start);
        var count = 0;
        using var timer = Timer(clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), () => count++);

        clock.Advance(TimeSpan.FromSeconds(100)); // due at 10, 40, 70 and 100 s
        Assert.Equal(4, count);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(4, count);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, count);
    }

    [Fact]
    public void change_reschedules_a_timer_from_the_current_time_and_an_infinite_due_time_stops_it()
    {
        var clock = new VirtualClock(Start);
        var count = 0;
        using var timer = Timer(clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), () => count++);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Once)); // now due at 15 s, once
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, count);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, count);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, count);

        Assert.True(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(4, count);
        Assert.True(timer.Change(Once, Once));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(4, count);

        timer.Dispose();
        Assert.False(timer.Change(TimeSpan.Zero, Once));
        Assert.Equal(4, count);
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(-2), Once));
    }

    [Fact]
    public void a_timer_disposed_during_a_callback_does_not_fire_again_nor_does_one_it_disposes()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<string>();
        ITimer? self = null;
        ITimer? other = null;
        self = Timer(clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), () =>
        {
            fired.Add("self");
            if (fired.Count == 2)
            {
                self!.Dispose();
                other!.Dispose();
            }
        });
        other = Timer(clock, TimeSpan.FromSeconds(25), Once, () => fired.Add("other"));

        clock.Advance(TimeSpan.FromMinutes(10)); // self fires at 10 and 20 s, then stops both before 25 s

        Assert.Equal(["self", "self"], fired);
    }

    [Fact]
    public void a_timer_created_inside_a_callback_fires_after_that_callback_returns_when_its_time_has_come()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<string>();
        var created = new List<ITimer>();
        using var outer = Timer(clock, TimeSpan.FromSeconds(10), Once, () =>
        {
            fired.Add("outer begins");
            created.Add(Timer(clock, TimeSpan.Zero, Once, () => fired.Add("due at once")));
            created.Add(Timer(clock, TimeSpan.FromSeconds(5), Once, () => fired.Add("due 5 s after the clock's time")));
            fired.Add("outer ends");
        });

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["outer begins", "outer ends", "due at once"], fired);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["outer begins", "outer ends", "due at once", "due 5 s after the clock's time"], fired);
        created.ForEach(t => t.Dispose());
    }

    [Fact]
    public void a_callback_that_moves_the_clock_fires_the_timers_it_made_due_after_it_returns()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<(string Name, DateTimeOffset Seen)>();
        using var slow = Timer(clock, TimeSpan.FromSeconds(10), Once, () =>
        {
            fired.Add(("slow begins", clock.GetUtcNow()));
            clock.Advance(TimeSpan.FromMinutes(2));
            fired.Add(("slow ends", clock.GetUtcNow()));
        });
        using var later = Timer(clock, TimeSpan.FromMinutes(1), Once, () => fired.Add(("later", clock.GetUtcNow())));

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([("slow begins", Start.AddSeconds(10)), ("slow ends", Start.AddSeconds(130)), ("later", Start.AddSeconds(130))], fired);
    }

    [Fact]
    public void advancing_by_zero_moves_nothing_and_time_never_goes_back()
    {
        var clock = new VirtualClock(Start);
        var count = 0;
        using var timer = Timer(clock, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1), () => count++);

        clock.Advance(TimeSpan.Zero);
        Assert.Equal(Start, clock.GetUtcNow());
        Assert.Equal(0, count);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(Start.AddTicks(-1)));
        Assert.Equal(Start, clock.GetUtcNow());

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, count);
        clock.Advance(TimeSpan.Zero);
        Assert.Equal(1, count);
    }

    [Fact]
    public void a_callback_that_throws_fails_the_caller_that_moved_the_clock_and_the_timers_after_it_still_fire()
    {
        var clock = new VirtualClock(Start);
        var fired = new List<string>();
        using var failing = Timer(clock, TimeSpan.FromSeconds(10), Once, () => throw new InvalidOperationException("callback failed"));
        using var after = Timer(clock, TimeSpan.FromSeconds(20), Once, () => fired.Add("after"));

        var thrown = Assert.Throws<InvalidOperationException>(() => clock.Advance(TimeSpan.FromMinutes(1)));
        Assert.Equal("callback failed", thrown.Message);
        Assert.Empty(fired);

        clock.Advance(TimeSpan.Zero);
        Assert.Equal(["after"], fired);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["after"], fired); // the failed one-shot timer is done
    }

    [Fact]
    public async Task task_delay_and_a_cancellation_token_source_on_the_clock_complete_when_it_moves_past_their_time()
    {
        var clock = new VirtualClock(Start);
        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), clock);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(timeout.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(timeout.IsCancellationRequested);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(delay.IsCompletedSuccessfully);
        await delay;

        var fired = false;
        using var atOnce = Timer(clock, TimeSpan.Zero, Once, () => fired = true);
        Assert.True(fired); // a timer due when it is created fires before CreateTimer returns
    }

    [Fact]
    public void timestamps_measure_virtual_time_and_the_local_time_zone_is_utc_until_set()
    {
        var clock = new VirtualClock(Start);
        var started = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.TicksPerSecond, clock.TimestampFrequency);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.GetElapsedTime(started));
        Assert.Equal(TimeZoneInfo.Utc, clock.LocalTimeZone);
        Assert.Equal(TimeSpan.Zero, clock.GetLocalNow().Offset);

        clock.SetLocalTimeZone(TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal(TimeSpan.FromHours(1), clock.GetLocalNow().Offset); // 1 March: winter time
        Assert.Throws<ArgumentNullException>(() => clock.SetLocalTimeZone(null!));
    }

    [Fact]
    public async Task concurrent_advance_callers_fire_every_timer_once_in_due_order_and_return_after_the_timers_they_made_due()
    {
        const int threads = 4;
        const int advancesEach = 250;
        var step = TimeSpan.FromMilliseconds(1);
        var clock = new VirtualClock(Start);
        var dues = Enumerable.Range(1, 200).Select(i => TimeSpan.FromMilliseconds(i * 5)).ToArray();
        var fired = new ConcurrentQueue<TimeSpan>();
        var firedCount = new int[dues.Length];
        var timers = dues.Select((due, i) => Timer(clock, due, Once, () =>
        {
            Interlocked.Increment(ref firedCount[i]);
            fired.Enqueue(due);
            Thread.SpinWait(200); // a callback that takes a while, so other callers arrive while it runs
        })).ToArray();
        var late = new ConcurrentQueue<string>();
        using var together = new Barrier(threads);

        var callers = Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() =>
        {
            together.SignalAndWait();
            for (var i = 0; i < advancesEach; i++)
            {
                var reached = clock.GetUtcNow() - Start + step; // the clock reads at least this once this Advance moved it
                clock.Advance(step);
                var unfired = dues.Select((due, d) => (due, d)).Where(x => x.due <= reached && Volatile.Read(ref firedCount[x.d]) == 0).ToArray();
                if (unfired.Length > 0) late.Enqueue($"Advance returned at {reached} with the timer due at {unfired[0].due} not fired.");
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(callers);

        Assert.Equal(Start + step * threads * advancesEach, clock.GetUtcNow());
        Assert.Empty(late);
        Assert.All(firedCount, c => Assert.Equal(1, c));
        Assert.Equal(dues, fired.ToArray());
        foreach (var timer in timers) timer.Dispose();
    }
}
