namespace Hybrid.Shell.Commands;

/// <summary>Per-request options of a command.</summary>
public sealed record CommandOptions
{
    /// <summary>The version the caller expects the command's stream at (HTTP If-Match); null when any.</summary>
    public ExpectedVersion? ExpectedVersion { get; init; }

    /// <summary>The command's id, used as the causation id of its events; a new id when null.</summary>
    public Guid? CommandId { get; init; }

    /// <summary>User-defined metadata fields (name → value) stored with each event the command writes; none when null.</summary>
    public IReadOnlyDictionary<string, string>? Fields { get; init; }
}

/// <summary>How the command processor retries and waits.</summary>
public sealed record CommandProcessorOptions
{
    /// <summary>How many times lookup and decision run before a conflict is reported (at least 1).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a command waits for a paused (migrating) aggregate before it gets a retryable error.</summary>
    public TimeSpan PausedWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The retry delay suggested to callers of a paused aggregate.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
