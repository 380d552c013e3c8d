using Microsoft.Extensions.Time.Testing;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The virtual clock as the processor engine sees it in a simulation. The engine's only waits there are timers it
/// starts itself (a retry's back-off) while the step loop waits for the step; <see cref="Await"/> then moves the
/// clock on to the timer's due time, so a wait costs virtual time, never real time, and the run stays deterministic.
/// </summary>
public sealed class SteppedClock(FakeTimeProvider clock) : TimeProvider
{
    private readonly ManualResetEventSlim _timerStarted = new();
    private TimeSpan _lastDue;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => clock.GetTimestamp();

    /// <inheritdoc />
    public override long TimestampFrequency => clock.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = clock.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_timerStarted)
            {
                _lastDue = dueTime;
                _timerStarted.Set();
            }
        }
        return timer;
    }

    /// <summary>Waits for the task; while it waits on a timer of this clock, the clock moves on to the timer's due time.</summary>
    public void Await(Task task)
    {
        while (!task.IsCompleted)
        {
            WaitHandle.WaitAny([((IAsyncResult)task).AsyncWaitHandle, _timerStarted.WaitHandle]);
            TimeSpan due;
            lock (_timerStarted)
            {
                if (!_timerStarted.IsSet) continue;
                _timerStarted.Reset();
                due = _lastDue;
            }
            clock.Advance(due);
        }
        task.GetAwaiter().GetResult();
    }
}
