namespace Hybrid.Shell.Nats;

/// <summary>Where the broker is and how Hybrid's subjects, streams and deliveries are set up on it.</summary>
public sealed record NatsBrokerOptions
{
    /// <summary>The NATS server, e.g. <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>The first token of every subject (<see cref="BrokerSubjects"/>) and of the stream names.</summary>
    public string Prefix { get; init; } = "hybrid";

    /// <summary>How long JetStream remembers message ids to drop repeats; Hybrid's consumers de-duplicate beyond it.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a handler may hold a command before JetStream delivers it again (to it or another handler).</summary>
    public TimeSpan CommandAckWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries of a command whose handling keeps failing before it goes to the dead-letter subject.</summary>
    public int CommandMaxDeliver { get; init; } = 5;

    /// <summary>
    /// How long a publish or a command waits for a broker that is not ready yet (down at start, or its streams not set
    /// up) before it is unavailable (a producer then waits and tries again; a command is answered <c>unavailable</c>).
    /// </summary>
    public TimeSpan ConnectPatience { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The retry delay an <c>unavailable</c> reply suggests (a store or the broker that cannot be reached).</summary>
    public TimeSpan UnavailableRetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a command sent through the broker waits for its reply by default.</summary>
    public TimeSpan CommandDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Commands a handler process runs at once.</summary>
    public int HandlerConcurrency { get; init; } = 16;

    /// <summary>The events stream's name.</summary>
    public string EventsStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_EVENTS";

    /// <summary>The commands stream's name (a work queue: a command is removed once a handler acknowledged it).</summary>
    public string CommandsStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_COMMANDS";

    /// <summary>The dead-letter stream's name.</summary>
    public string DeadStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_DEAD";
}
