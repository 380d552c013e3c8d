namespace Hybrid.Shell.Scheduling;

/// <summary>How a node fires process-manager deadlines.</summary>
public sealed class DeadlineOptions
{
    /// <summary>The longest the deadline scheduler sleeps between rounds, so newly scheduled deadlines are noticed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deadline events read per round trip while catching up.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first unusable setting.</summary>
    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero) throw new ArgumentException("DeadlineOptions.PollInterval must be positive.", nameof(PollInterval));
        if (BatchSize < 1) throw new ArgumentException("DeadlineOptions.BatchSize must be 1 or more.", nameof(BatchSize));
    }
}
