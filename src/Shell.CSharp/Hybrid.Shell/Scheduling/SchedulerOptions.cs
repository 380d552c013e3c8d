namespace Hybrid.Shell.Scheduling;

/// <summary>How a node runs periodic tasks.</summary>
public sealed class SchedulerOptions
{
    /// <summary>The longest the scheduler sleeps between rounds, so new tenants and clock jumps are noticed.</summary>
    public TimeSpan MaxSleep { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (MaxSleep <= TimeSpan.Zero) throw new ArgumentException("SchedulerOptions.MaxSleep must be positive.", nameof(MaxSleep));
    }
}
