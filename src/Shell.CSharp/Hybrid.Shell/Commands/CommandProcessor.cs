using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Hybrid.Shell.Telemetry;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Runs commands: lookup → decide → append, with the condition that nothing the lookup read has changed since
/// (a dynamic consistency boundary); on a conflict it re-runs lookup and decision up to a bound. Every expected
/// outcome is a <see cref="CommandOutcome"/> value; exceptions mean bugs or infrastructure failures.
/// </summary>
public sealed class CommandProcessor
{
    private static readonly ActivitySource Activities = new(HybridTelemetry.Commands);

    private readonly IEventStore _store;
    private readonly IIdSource _ids;
    private readonly CommandProcessorOptions _options;
    private readonly ICommandMiddleware[] _middleware;
    private readonly ICommitTrigger[] _triggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;

    /// <summary>
    /// A processor over a store (wrap it in an upcasting store to upcast lookups) and its commands. Decisions get the
    /// time from <paramref name="clock"/> (the system clock when null).
    /// </summary>
    public CommandProcessor(IEventStore store, IIdSource ids, CommandCatalog commands, CommandProcessorOptions? options = null,
        IEnumerable<ICommandMiddleware>? middleware = null, IEnumerable<ICommitTrigger>? triggers = null,
        AggregateGate? gate = null, ILogger<CommandProcessor>? logger = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _store = store;
        _ids = ids;
        Commands = commands;
        _options = options ?? new CommandProcessorOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be 1 or more.");
        _middleware = middleware?.ToArray() ?? [];
        _triggers = triggers?.ToArray() ?? [];
        Gate = gate ?? new AggregateGate();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The definitions in force.</summary>
    public CommandCatalog Commands { get; }

    /// <summary>The gate pausing aggregate types during live migrations.</summary>
    public AggregateGate Gate { get; }

    /// <summary>Parses a JSON request with the command's definition, then runs it.</summary>
    public Task<CommandOutcome> ExecuteJsonAsync(Caller caller, string command, string json, CommandOptions? options = null,
        CancellationToken ct = default)
    {
        if (!Commands.TryGet(command, out var definition)) return Task.FromResult(CommandOutcome.NewUnknownCommand(command));
        var parsed = definition.Parse.Invoke(json);
        return parsed.IsError
            ? Task.FromResult(CommandOutcome.NewInvalid(parsed.ErrorValue))
            : Execute(caller, command, definition, parsed.ResultValue, json, options, ct);
    }

    /// <summary>Runs a parsed command for the caller.</summary>
    public Task<CommandOutcome> ExecuteAsync(Caller caller, string command, object payload, CommandOptions? options = null,
        CancellationToken ct = default) =>
        Commands.TryGet(command, out var definition)
            ? Execute(caller, command, definition, payload, null, options, ct)
            : Task.FromResult(CommandOutcome.NewUnknownCommand(command));

    private async Task<CommandOutcome> Execute(Caller caller, string command, CommandDefinition definition, object payload, string? json,
        CommandOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        options ??= new CommandOptions();
        var tenant = Validation.tenant(caller.Tenant);
        if (tenant.IsError) return CommandOutcome.NewInvalid(tenant.ErrorValue);
        if (payload is null) return CommandOutcome.NewInvalid(new Validation.Error("body", "The command is null."));

        var authorization = definition.Check(caller, payload);
        if (authorization is Authorization.Denied denied) return CommandOutcome.NewUnauthorized(denied.reason);

        using var pass = await Gate.EnterAsync(definition.Aggregate, _options.PausedWait, ct).ConfigureAwait(false);
        if (pass is null)
        {
            return CommandOutcome.NewUnavailable(
                $"The aggregate '{definition.Aggregate}' is being migrated; retry the command.", _options.RetryAfter);
        }
        // A migration that ran while this command waited may have replaced its definition: parse again with the new one.
        if (!Commands.TryGet(command, out var current)) return CommandOutcome.NewUnknownCommand(command);
        if (!ReferenceEquals(current, definition))
        {
            definition = current;
            if (json is not null)
            {
                var reparsed = definition.Parse.Invoke(json);
                if (reparsed.IsError) return CommandOutcome.NewInvalid(reparsed.ErrorValue);
                payload = reparsed.ResultValue;
            }
        }

        using var activity = Activities.StartActivity($"command {command}");
        activity?.SetTag("hybrid.tenant", caller.Tenant);
        activity?.SetTag("hybrid.command", command);
        var context = new CommandContext(caller, definition, payload, options.CommandId ?? _ids.NewId(), options);
        var outcome = await RunMiddleware(context, 0, ct).ConfigureAwait(false);
        activity?.SetTag("hybrid.outcome", OutcomeName(outcome));
        return outcome;
    }

    private Task<CommandOutcome> RunMiddleware(CommandContext context, int index, CancellationToken ct) =>
        index < _middleware.Length
            ? _middleware[index].InvokeAsync(context, () => RunMiddleware(context, index + 1, ct), ct)
            : DecideAndAppend(context, ct);

    private async Task<CommandOutcome> DecideAndAppend(CommandContext context, CancellationToken ct)
    {
        var caller = context.Caller;
        var definition = context.Definition;
        var lookup = definition.LookupFor(context.Command);
        var lastReason = "";
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var lookedUp = await LookUp(caller.Tenant, lookup, ct).ConfigureAwait(false);
            var expected = Command.checkExpected(
                context.Options.ExpectedVersion is { } e ? FSharpOption<ExpectedVersion>.Some(e) : null, lookup, lookedUp);
            if (expected.IsError) return expected.ErrorValue;

            switch (definition.Run(DecisionContext.Of(caller, _clock.GetUtcNow()), context.Command, lookedUp))
            {
                case CommandDecision.Reject reject:
                    return CommandOutcome.NewRejected(reject.Item);
                case CommandDecision.NotFound notFound:
                    return CommandOutcome.NewNotFound(notFound.what);
                case CommandDecision.Accept accept when accept.events.IsEmpty:
                    return Accepted([], accept.result, lookedUp.Position, attempt, FSharpList<TriggerFailure>.Empty);
                case CommandDecision.Accept accept:
                    var ids = ListModule.OfSeq(context.Options.CommandId is { } chosen
                        ? accept.events.Select((_, i) => Command.eventId(caller.Tenant, chosen, i))
                        : accept.events.Select(_ => _ids.NewId()));
                    var metadata = TraceContext.Stamp(Command.metadata(caller, context.CommandId).WithFields(context.Fields));
                    var proposed = Command.propose(ids, metadata, accept.events);
                    var request = AppendRequest.Of(caller.Tenant, proposed).When(Command.condition(lookup, lookedUp));
                    AppendResult appended;
                    try
                    {
                        appended = await _store.Append(request, ct).ConfigureAwait(false);
                    }
                    catch (InvalidInputException invalid)
                    {
                        return CommandOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message));
                    }
                    if (appended is AppendResult.Appended written)
                    {
                        var failures = await RunTriggers(context, written.Item, ct).ConfigureAwait(false);
                        var position = written.Item.Length == 0 ? lookedUp.Position : written.Item.Max(x => x.Position);
                        return Accepted(written.Item, accept.result, position, attempt, failures);
                    }
                    var failure = ((AppendResult.ConditionFailed)appended).Item;
                    lastReason = failure.Reason;
                    if (!Command.isRetryable(failure)) return CommandOutcome.NewConflict(attempt, failure.Reason);
                    _logger.LogDebug("Command {Command} of tenant {Tenant} conflicted on attempt {Attempt}: {Reason}",
                        definition.Name, caller.Tenant, attempt, failure.Reason);
                    await Task.Yield();
                    break;
                default:
                    throw new InvalidOperationException($"Command '{definition.Name}' returned an unknown decision.");
            }
        }
        return CommandOutcome.NewConflict(_options.MaxAttempts, lastReason);
    }

    private static CommandOutcome Accepted(RecordedEvent[] events, FSharpOption<object>? result, long position, int attempts,
        FSharpList<TriggerFailure> failures) =>
        CommandOutcome.NewAccepted(new CommandAccepted(events, result, position, attempts, failures));

    /// <summary>Reads what the lookup names, together with the tenant's head read first (the boundary's start).</summary>
    private async Task<LookedUp> LookUp(string tenant, Lookup lookup, CancellationToken ct)
    {
        var head = await _store.GetHead(tenant, ct).ConfigureAwait(false);
        switch (lookup)
        {
            case Lookup.Events byQuery:
                var query = Command.readQuery(byQuery.Item, head);
                var events = await _store.Read(tenant, query, ct).ConfigureAwait(false);
                return LookedUp.OfEvents(head, events);
            case Lookup.Streams byStreams:
                var streams = new List<Tuple<string, long, RecordedEvent[]>>();
                foreach (var stream in byStreams.Item.Distinct())
                {
                    var state = await _store.GetStreamState(tenant, stream, ct).ConfigureAwait(false);
                    var read = new StreamRead(stream, Names.NoVersion, state.Version + 1, Direction.Forward, 0);
                    var live = state.IsLive ? await _store.ReadStream(tenant, read, ct).ConfigureAwait(false) : [];
                    streams.Add(Tuple.Create(stream, state.Version, live));
                }
                return LookedUp.OfStreams(head, ListModule.OfSeq(streams));
            default:
                throw new InvalidOperationException("Unknown lookup.");
        }
    }

    private async Task<FSharpList<TriggerFailure>> RunTriggers(CommandContext context, RecordedEvent[] events, CancellationToken ct)
    {
        if (_triggers.Length == 0 || events.Length == 0) return FSharpList<TriggerFailure>.Empty;
        var committed = new CommittedCommand(context.Caller, context.Definition.Name, context.CommandId, events);
        var failures = new List<TriggerFailure>();
        foreach (var trigger in _triggers)
        {
            try
            {
                await trigger.OnCommittedAsync(committed, ct).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Trigger {Trigger} failed after command {Command} of tenant {Tenant} committed; the commit stands.",
                    trigger.Name, context.Definition.Name, context.Caller.Tenant);
                failures.Add(new TriggerFailure(trigger.Name, error.Message));
            }
        }
        return ListModule.OfSeq(failures);
    }

    /// <summary>A short name for an outcome, for traces and logs.</summary>
    public static string OutcomeName(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Accepted => "accepted",
        CommandOutcome.Rejected => "rejected",
        CommandOutcome.Unauthorized => "unauthorized",
        CommandOutcome.Conflict => "conflict",
        CommandOutcome.Invalid => "invalid",
        CommandOutcome.NotFound => "not-found",
        CommandOutcome.UnknownCommand => "unknown-command",
        CommandOutcome.VersionMismatch => "version-mismatch",
        CommandOutcome.Unavailable => "unavailable",
        _ => "unknown",
    };
}
