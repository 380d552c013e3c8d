namespace Hybrid.InMemory.Time;

/// <summary>A timer of a <see cref="VirtualClock"/>: its schedule lives in the clock, under the clock's lock.</summary>
internal sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
{
    /// <summary>What the timer calls when it fires.</summary>
    public TimerCallback Callback { get; } = callback;

    /// <summary>The state passed to <see cref="Callback"/>.</summary>
    public object? State { get; } = state;

    /// <summary>Its next firing, or null while it is stopped (guarded by the clock's lock).</summary>
    public ScheduledFiring? Scheduled { get; set; }

    /// <summary>True once disposed (guarded by the clock's lock).</summary>
    public bool IsDisposed { get; set; }

    /// <inheritdoc />
    public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Schedule(this, dueTime, period);

    /// <inheritdoc />
    public void Dispose() => clock.Stop(this);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
