using System.Globalization;

namespace Hybrid.InMemory.Time;

/// <summary>
/// A clock whose time moves only when it is told to (<see cref="Advance"/>, <see cref="SetUtcNow"/>): the virtual time
/// of simulations and tests. Timers created on it, and so <c>Task.Delay(…, clock)</c>,
/// <c>new CancellationTokenSource(…, clock)</c> and retry back-offs, fire when the time moves to or past their due
/// time, in due order (timers due at the same instant in the order they were scheduled), and a periodic timer fires
/// once for every period the time moved over. Callbacks run on the thread that moved the time and see the time it moved
/// to; a timer that is due when it is created (due time zero) fires before <see cref="CreateTimer"/> returns (when
/// created by a callback, or while another thread runs callbacks, as soon as the running callbacks return).
/// </summary>
/// <remarks>
/// Thread-safe. One thread at a time runs callbacks: time moved, or a timer started, by a callback is picked up after
/// that callback returns (never inside it), and <see cref="Advance"/> or <see cref="SetUtcNow"/> called on another
/// thread while callbacks run waits until they have run, so when either returns every timer due by then has fired. A
/// callback must therefore not wait for a thread that moves this clock. A timer runs until it is disposed or changed
/// to <see cref="Timeout.InfiniteTimeSpan"/>, whether or not anything still references it, so a run never depends on
/// when the garbage collector runs. Timestamps are the virtual time's ticks (<see cref="TimestampFrequency"/> is
/// <see cref="TimeSpan.TicksPerSecond"/>), so <see cref="TimeProvider.GetElapsedTime(long)"/> measures virtual time
/// exactly; the local time zone is UTC unless <see cref="SetLocalTimeZone"/> says otherwise.
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    private const long MaxTimeoutMilliseconds = uint.MaxValue - 1; // as System.Threading.Timer's

    private static readonly IComparer<ScheduledFiring> DueOrder = Comparer<ScheduledFiring>.Create((a, b) =>
        a.DueTicks != b.DueTicks ? a.DueTicks.CompareTo(b.DueTicks) : a.Sequence.CompareTo(b.Sequence));

    private readonly object _gate = new();
    private readonly SortedSet<ScheduledFiring> _scheduled = new(DueOrder);
    private DateTimeOffset _now;
    private long _sequence;
    private int _firingThread; // the managed id of the thread running callbacks, 0 while none does
    private volatile TimeZoneInfo _localTimeZone = TimeZoneInfo.Utc;

    /// <summary>A clock that reads <paramref name="start"/> until it is moved.</summary>
    public VirtualClock(DateTimeOffset start)
    {
        Start = start;
        _now = start;
    }

    /// <summary>The time the clock started at.</summary>
    public DateTimeOffset Start { get; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_gate) return _now.UtcTicks;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _localTimeZone;

    /// <summary>Sets the time zone <see cref="TimeProvider.GetLocalNow"/> converts to (UTC until set).</summary>
    public void SetLocalTimeZone(TimeZoneInfo localTimeZone)
    {
        ArgumentNullException.ThrowIfNull(localTimeZone);
        _localTimeZone = localTimeZone;
    }

    /// <summary>Moves the time on by <paramref name="delta"/> (zero fires nothing new) and fires the timers due by then.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The delta is negative: virtual time never goes back.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate) _now += delta;
        FireDue(waitForOtherThread: true);
    }

    /// <summary>Moves the time on to <paramref name="value"/> and fires the timers due by then.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is before the clock's time: virtual time never goes back.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            if (value < _now)
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"The virtual clock cannot go back: it reads {_now.ToString("O", CultureInfo.InvariantCulture)}.");
            _now = value;
        }
        FireDue(waitForOtherThread: true);
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The clock's time, for diagnostics.</summary>
    public override string ToString() => GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>(Re)schedules a timer; false when it was disposed.</summary>
    internal bool Schedule(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        var dueMilliseconds = CheckedMilliseconds(dueTime, nameof(dueTime));
        var periodMilliseconds = CheckedMilliseconds(period, nameof(period));
        lock (_gate)
        {
            if (timer.IsDisposed) return false;
            Unschedule(timer);
            if (dueMilliseconds == Timeout.Infinite) return true;
            var periodTicks = periodMilliseconds == Timeout.Infinite ? 0 : period.Ticks;
            Add(timer, _now.UtcTicks + Math.Max(0, dueTime.Ticks), periodTicks);
        }
        // A timer due now fires at once, unless callbacks are running (the firing thread picks it up).
        FireDue(waitForOtherThread: false);
        return true;
    }

    /// <summary>Stops a timer for good.</summary>
    internal void Stop(VirtualTimer timer)
    {
        lock (_gate)
        {
            timer.IsDisposed = true;
            Unschedule(timer);
        }
    }

    private static long CheckedMilliseconds(TimeSpan value, string name)
    {
        var milliseconds = (long)value.TotalMilliseconds;
        ArgumentOutOfRangeException.ThrowIfLessThan(milliseconds, Timeout.Infinite, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(milliseconds, MaxTimeoutMilliseconds, name);
        return milliseconds;
    }

    private void Add(VirtualTimer timer, long dueTicks, long periodTicks)
    {
        var firing = new ScheduledFiring(timer, dueTicks, ++_sequence, periodTicks);
        timer.Scheduled = firing;
        _scheduled.Add(firing);
    }

    private void Unschedule(VirtualTimer timer)
    {
        if (timer.Scheduled is { } scheduled) _scheduled.Remove(scheduled);
        timer.Scheduled = null;
    }

    private void FireDue(bool waitForOtherThread)
    {
        var thread = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            // Called from a callback: the loop that runs it fires what is due once it returns.
            if (_firingThread == thread) return;
            if (_firingThread != 0)
            {
                if (!waitForOtherThread) return;
                while (_firingThread != 0) Monitor.Wait(_gate);
            }
            _firingThread = thread;
        }
        var done = false;
        try
        {
            while (NextDueOrStopFiring() is { } due) Fire(due.Firing, due.Now);
            done = true;
        }
        finally
        {
            if (!done) StopFiring(); // a callback threw: its exception goes to whoever moved the clock
        }
    }

    /// <summary>
    /// The first timer due with the time it was taken at, or null after giving up the firing thread's role, in one
    /// step so a timer scheduled meanwhile by another thread (which left it to this one) is never missed.
    /// </summary>
    private (ScheduledFiring Firing, long Now)? NextDueOrStopFiring()
    {
        lock (_gate)
        {
            if (_scheduled.Min is { } first && first.DueTicks <= _now.UtcTicks) return (first, _now.UtcTicks);
            StopFiringLocked();
            return null;
        }
    }

    private void StopFiring()
    {
        lock (_gate) StopFiringLocked();
    }

    private void StopFiringLocked()
    {
        _firingThread = 0;
        Monitor.PulseAll(_gate);
    }

    private void Fire(ScheduledFiring firing, long before)
    {
        try
        {
            firing.Timer.Callback(firing.Timer.State);
        }
        finally
        {
            lock (_gate)
            {
                // Unless its callback changed or disposed it, a one-shot timer is done and a periodic one goes on: from
                // its due time, or from the time the callback moved the clock to.
                if (ReferenceEquals(firing.Timer.Scheduled, firing))
                {
                    Unschedule(firing.Timer);
                    var now = _now.UtcTicks;
                    if (firing.PeriodTicks > 0)
                        Add(firing.Timer, (now == before ? firing.DueTicks : now) + firing.PeriodTicks, firing.PeriodTicks);
                }
            }
        }
    }
}
