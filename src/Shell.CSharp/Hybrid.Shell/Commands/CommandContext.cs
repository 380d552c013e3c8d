namespace Hybrid.Shell.Commands;

/// <summary>One command being run, as command middleware sees it.</summary>
public sealed class CommandContext(Caller caller, CommandDefinition definition, object command, Guid commandId, CommandOptions options)
{
    /// <summary>Who is asking.</summary>
    public Caller Caller { get; } = caller;

    /// <summary>The command's definition.</summary>
    public CommandDefinition Definition { get; } = definition;

    /// <summary>The parsed command.</summary>
    public object Command { get; } = command;

    /// <summary>The command's id (the causation id of its events).</summary>
    public Guid CommandId { get; } = commandId;

    /// <summary>The request's options.</summary>
    public CommandOptions Options { get; } = options;

    private string? _fingerprint;

    /// <summary>
    /// The command's name and a hash of its input (<see cref="Hybrid.Command.fingerprint"/>), stored with the events of a
    /// command whose caller chose its id, so that the id reused for another command is refused.
    /// </summary>
    public string Fingerprint => _fingerprint ??= Hybrid.Command.fingerprint(Definition.Name, Command);

    /// <summary>
    /// User-defined metadata fields stored with each event the command writes: the request's own
    /// (<see cref="CommandOptions.Fields"/>), and any middleware adds.
    /// </summary>
    public IDictionary<string, string> Fields { get; } = options.Fields is { } fields
        ? new Dictionary<string, string>(fields, StringComparer.Ordinal)
        : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What middleware share during one command.</summary>
    public IDictionary<string, object?> Items { get; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}

/// <summary>
/// Handler middleware around a command's lookup, decision and append (after authorization): logging, metrics,
/// a transaction or a state cache. Call <c>next</c> to go on, or return an outcome to stop.
/// </summary>
public interface ICommandMiddleware
{
    /// <summary>Runs around the rest of the pipeline.</summary>
    Task<CommandOutcome> InvokeAsync(CommandContext context, Func<Task<CommandOutcome>> next, CancellationToken ct);
}
