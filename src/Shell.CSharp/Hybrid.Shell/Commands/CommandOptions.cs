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
    /// <summary>
    /// How many times lookup and decision may run before a conflict is reported (at least 1). Conflicts are retried
    /// after a jittered, doubling delay (<see cref="RetryDelay"/> up to <see cref="MaxRetryDelay"/>) while the
    /// <see cref="RetryBudget"/> lasts.
    /// </summary>
    public int MaxAttempts { get; set; } = 100;

    /// <summary>No retry starts later than this after the first attempt: the conflict is reported instead.</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay before the first retry, before jitter; it doubles with each retry.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest delay between two attempts, before jitter.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The random share of each delay, 0 to 1 (1: anywhere from no wait to the full delay).</summary>
    public double RetryJitter { get; set; } = 1.0;

    /// <summary>Samples in [0, 1) for the jitter; seeded in simulations so runs repeat.</summary>
    public Func<double> JitterSource { get; set; } = Random.Shared.NextDouble;

    /// <summary>How long a command waits for a paused (migrating) aggregate before it gets a retryable error.</summary>
    public TimeSpan PausedWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many folded stream states the processor keeps between commands built from a decider or a StreamFold (its
    /// <see cref="DecidedStateCache"/>), so a command on a warm aggregate costs one append; 0 turns the cache off.
    /// Commands with a caller-chosen id or an expected version always read their streams.
    /// </summary>
    public int DecidedStates { get; set; } = 10_000;

    /// <summary>The retry delay suggested to callers of a paused aggregate.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
