namespace Hybrid.Shell.Nats;

/// <summary>Where the broker is and how Hybrid's subjects, streams and deliveries are set up on it.</summary>
public sealed record NatsBrokerOptions
{
    /// <summary>The NATS server, e.g. <c>nats://127.0.0.1:4222</c>.</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// <see cref="Url"/> with any user name, password or token replaced by <c>***</c>: what logs and messages name, so a
    /// credential in the URL never reaches a log line or an exception's text.
    /// </summary>
    public string DisplayUrl => string.Join(",", (Url ?? "").Split(',').Select(WithoutCredentials));

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

    /// <summary>
    /// How long a handler's or projector's pull request for messages lasts before it is made again (its heartbeats come
    /// at half of it): after the broker restarted, they take messages again within about this time (JetStream's
    /// default, 30 s, left a restarted broker's commands waiting half a minute or more).
    /// </summary>
    public TimeSpan PullExpiry { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Commands a handler process runs at once.</summary>
    public int HandlerConcurrency { get; init; } = 16;

    /// <summary>The events stream's name.</summary>
    public string EventsStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_EVENTS";

    /// <summary>The commands stream's name (a work queue: a command is removed once a handler acknowledged it).</summary>
    public string CommandsStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_COMMANDS";

    /// <summary>The dead-letter stream's name.</summary>
    public string DeadStream => Prefix.ToUpperInvariant().Replace('.', '_') + "_DEAD";

    /// <summary>
    /// Refuses options that can never work with an <see cref="InvalidInputException"/> naming the option: a prefix that
    /// is not subject tokens (empty, a space, a wildcard), a URL that is not a NATS server URL (or a comma-separated list of them).
    /// </summary>
    public void Validate()
    {
        if (BrokerSubjects.validateSuffix(nameof(Prefix), Prefix ?? "") is { IsError: true } prefix)
            throw new InvalidInputException(nameof(Prefix), $"NatsBrokerOptions.Prefix: {prefix.ErrorValue.Message}");
        if (string.IsNullOrWhiteSpace(Url) || !Url.Split(',').All(IsServerUrl))
            throw new InvalidInputException(nameof(Url), $"NatsBrokerOptions.Url: '{DisplayUrl}' is not a NATS server URL (nats://host:port, or several separated by commas).");
    }

    private static bool IsServerUrl(string part)
    {
        var text = part.Trim();
        if (!text.Contains("://", StringComparison.Ordinal)) text = "nats://" + text;
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "nats" or "tls" or "ws" or "wss" && url.Host.Length > 0;
    }

    private static string WithoutCredentials(string part)
    {
        var scheme = part.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var end = part.IndexOfAny(['/', '?', '#'], start);
        var at = part.LastIndexOf('@', end < 0 ? part.Length - 1 : end - 1);
        return at < start ? part : part[..start] + "***" + part[at..];
    }
}
