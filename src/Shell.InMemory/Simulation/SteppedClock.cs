using Hybrid.InMemory.Time;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The virtual clock as the processor engine sees it in a simulation. The engine's only waits there are timers it
/// starts itself (a retry's back-off) while the step loop waits for the step; <see cref="Await"/> then moves the
/// clock on to the timer's due time, so a wait costs virtual time, never real time, and the run stays deterministic.
/// </summary>
public sealed class SteppedClock(VirtualClock clock, StepLoopContext loop) : TimeProvider
{
    private readonly Lock _gate = new();

    /// <summary>A stepped clock with a step loop of its own (for a caller that awaits outside a simulation).</summary>
    public SteppedClock(VirtualClock clock) : this(clock, new StepLoopContext()) { }
    private TimeSpan? _started;

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
            lock (_gate) _started = dueTime;
            loop.Wake();
        }
        return timer;
    }

    /// <summary>Waits for the task, running posted work; while it waits on a timer of this clock, the clock moves on to the timer's due time.</summary>
    public void Await(Task task)
    {
        loop.RunUntil(task, AdvanceToStartedTimer);
        task.GetAwaiter().GetResult();
    }

    private bool AdvanceToStartedTimer()
    {
        TimeSpan due;
        lock (_gate)
        {
            if (_started is not { } started) return false;
            _started = null;
            due = started;
        }
        clock.Advance(due);
        return true;
    }
}
