using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Hybrid.Shell.Telemetry;

namespace Hybrid.Shell.Commands;

/// <summary>
/// Runs commands: lookup → decide → append, with the condition that nothing the lookup read has changed since
/// (a dynamic consistency boundary); on a conflict it re-runs lookup and decision after a jittered backoff, within a time budget
/// (<see cref="ConflictRetries"/>). Every expected
/// outcome is a <see cref="CommandOutcome"/> value; exceptions mean bugs or infrastructure failures.
/// A command of an aggregate type runs the definitions of the tenant's shape (<see cref="AggregateGate"/>): it waits
/// while a live migration runs, runs the migration's commands once the tenant is migrated, and appends under the
/// condition that no migration marker appeared since it read the shape, on whichever node it runs.
/// </summary>
public sealed partial class CommandProcessor
{
    private static readonly ActivitySource Activities = new(HybridTelemetry.Commands);

    private readonly IEventStore _store;
    private readonly IIdSource _ids;
    private readonly CommandProcessorOptions _options;
    private readonly ICommandMiddleware[] _middleware;
    private readonly CommandMetricsMiddleware? _metrics;
    private readonly ICommitTrigger[] _triggers;
    private readonly ILogger _logger;
    private readonly ConflictRetries _retries;
    private readonly ConcurrentDictionary<(string Aggregate, string Name), AggregateMigration> _migrations = new();
    private readonly DecidedStateCache? _states;
    private readonly TimeProvider _clock;
    private readonly ITenantTagKeys? _tagKeys;

    /// <summary>
    /// A processor over a store (wrap it in an upcasting store to upcast lookups) and its commands. Decisions get the
    /// time from <paramref name="clock"/> (the system clock when null), and commands that look up with their context
    /// (keyed tags) their tenant's key from <paramref name="tagKeys"/> (an empty key when null).
    /// </summary>
    public CommandProcessor(IEventStore store, IIdSource ids, CommandCatalog commands, CommandProcessorOptions? options = null,
        IEnumerable<ICommandMiddleware>? middleware = null, IEnumerable<ICommitTrigger>? triggers = null,
        AggregateGate? gate = null, ILogger<CommandProcessor>? logger = null, TimeProvider? clock = null, ITenantTagKeys? tagKeys = null)
    {
        _clock = clock ?? TimeProvider.System;
        _tagKeys = tagKeys;
        _store = store;
        _ids = ids;
        Commands = commands;
        _options = options ?? new CommandProcessorOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be 1 or more.");
        _retries = new ConflictRetries(_options, _clock);
        _middleware = middleware?.ToArray() ?? [];
        _metrics = _middleware.OfType<CommandMetricsMiddleware>().FirstOrDefault();
        _triggers = triggers?.ToArray() ?? [];
        Gate = gate ?? new AggregateGate(store);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (_options.DecidedStates < 0) throw new ArgumentOutOfRangeException(nameof(options), "DecidedStates must be 0 (off) or more.");
        _states = _options.DecidedStates > 0 ? new DecidedStateCache(_options.DecidedStates) : null;
    }

    /// <summary>The folded states this processor keeps between commands; null when turned off.</summary>
    public DecidedStateCache? DecidedStates => _states;

    /// <summary>The definitions in force.</summary>
    public CommandCatalog Commands { get; }

    /// <summary>Where each tenant's aggregate types stand in their live migrations.</summary>
    public AggregateGate Gate { get; }

    /// <summary>
    /// Makes a migration's commands known to this node: once a tenant's aggregate is migrated by it, its commands run
    /// there. Every node taking commands must know the migrations that ran (a command of a tenant migrated by an
    /// unknown migration gets a retryable <see cref="CommandOutcome.Unavailable"/>).
    /// </summary>
    public void KnowMigration(AggregateMigration migration)
    {
        var valid = AggregateMigrationModule.validate(migration);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(migration));
        _migrations[(migration.Aggregate, migration.Name)] = migration;
    }

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

    /// <summary>Runs a typed command for the caller, checked by the definition's own checks as a parsed one is.</summary>
    public Task<CommandOutcome> ExecuteAsync(Caller caller, string command, object payload, CommandOptions? options = null,
        CancellationToken ct = default)
    {
        if (!Commands.TryGet(command, out var definition)) return Task.FromResult(CommandOutcome.NewUnknownCommand(command));
        if (payload is not null && definition.Validate.Invoke(payload) is { IsError: true } invalid)
            return Task.FromResult(CommandOutcome.NewInvalid(invalid.ErrorValue));
        return Execute(caller, command, definition, payload!, null, options, ct);
    }

    private async Task<CommandOutcome> Execute(Caller caller, string command, CommandDefinition definition, object payload, string? json,
        CommandOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        options ??= new CommandOptions();
        var started = Stopwatch.GetTimestamp();
        using var activity = Activities.StartActivity($"command {command}");
        activity?.SetTag("hybrid.command", command);
        var tenant = CallerModule.validate(caller);
        // A tenant that fails the format check is not stamped on the span: it is the caller's text, of any size.
        if (tenant.IsOk) activity?.SetTag("hybrid.tenant", caller.Tenant);
        CommandTelemetry.Expecting(activity, options.ExpectedVersion);
        var refused = tenant.IsError ? CommandOutcome.NewInvalid(tenant.ErrorValue)
            : payload is null ? CommandOutcome.NewInvalid(new Validation.Error("body", "The command is null."))
            : options.CommandId is { } chosen && Command.checkId("commandId", chosen) is { IsError: true } emptyId ? CommandOutcome.NewInvalid(emptyId.ErrorValue)
            : definition.Check(caller, payload) is Authorization.Denied denied ? CommandOutcome.NewUnauthorized(denied.reason)
            : null;
        if (refused is not null)
        {
            // Refused before any middleware: counted here, so denied commands show in the metrics as in the trace.
            _metrics?.Record(command, refused, Stopwatch.GetElapsedTime(started));
            return CommandTelemetry.Ended(activity, refused);
        }

        var context = new CommandContext(caller, definition, payload!, options.CommandId ?? _ids.NewId(), options);
        if (json is not null) context.Items[JsonItem] = json;
        try
        {
            return CommandTelemetry.Ended(activity, await RunMiddleware(context, 0, ct).ConfigureAwait(false));
        }
        catch (Exception failure) when (activity is not null && failure is not OperationCanceledException)
        {
            CommandTelemetry.Failed(activity, failure);
            throw;
        }
    }

    private Task<CommandOutcome> RunMiddleware(CommandContext context, int index, CancellationToken ct) =>
        index < _middleware.Length
            ? _middleware[index].InvokeAsync(context, () => RunMiddleware(context, index + 1, ct), ct)
            : DecideAndAppend(context, ct);

    private const string JsonItem = "hybrid.command.json";

    private Task<CommandOutcome> DecideAndAppend(CommandContext context, CancellationToken ct) =>
        _retries.RunAsync((attempt, token) => Attempt(context, attempt, token), ct);

    private async Task<ConflictRetries.Attempt> Attempt(CommandContext context, int attempt, CancellationToken ct)
    {
        var caller = context.Caller;
        var (definition, command, shape, refused) = await InForce(context, ct).ConfigureAwait(false);
        if (refused is not null) return Done(refused);
        if (_states is not null && definition.FoldInForce is { } fold && context.Options.ExpectedVersion is null
            && (context.Options.CommandId is null || _store is IEventByIdReader))
        {
            // A re-sent command id is found by its first event's id, not in a read of its streams: a warm state then
            // answers a new id with one read by id and one append, however long the streams are.
            if (context.Options.CommandId is { } resentId && await EarlierAnswer((IEventByIdReader)_store, context, resentId, attempt, ct).ConfigureAwait(false) is { } earlier)
                return Done(earlier);
            return await AttemptFolded(context, definition, command, shape, fold.Value, _states, attempt, ct).ConfigureAwait(false);
        }
        var tagKey = definition.NeedsContextToLookUp && _tagKeys is not null ? await _tagKeys.KeyOf(caller.Tenant, ct).ConfigureAwait(false) : [];
        var lookup = definition.LookupFor(DecisionContext.Of(caller, _clock.GetUtcNow(), tagKey), command);
        LookedUp lookedUp;
        try
        {
            lookedUp = await LookUp(caller.Tenant, lookup, ct).ConfigureAwait(false);
        }
        catch (InvalidInputException invalid)
        {
            // The lookup names a stream or query the store refuses (an id too long, say): the request's fault.
            return Done(CommandOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message)));
        }
        if (context.Options.CommandId is { } resent && Command.alreadyApplied(resent, lookedUp) is { Length: > 0 } applied)
            return Done(ResentAnswer(context, resent, applied, attempt));
        var expected = Command.checkExpected(
            context.Options.ExpectedVersion is { } e ? FSharpOption<ExpectedVersion>.Some(e) : null, lookup, lookedUp);
        if (expected.IsError) return Done(expected.ErrorValue);

        switch (definition.Run(DecisionContext.Of(caller, _clock.GetUtcNow(), tagKey), command, lookedUp))
        {
            case CommandDecision.Reject reject:
                return Done(CommandOutcome.NewRejected(reject.Item));
            case CommandDecision.NotFound notFound:
                return Done(CommandOutcome.NewNotFound(notFound.what));
            case CommandDecision.Accept accept when accept.events.IsEmpty:
                return Done(Accepted([], accept.result, lookedUp.Position, attempt, FSharpList<TriggerFailure>.Empty));
            case CommandDecision.Accept accept:
                return (await Write(context, definition, accept, Command.condition(lookup, lookedUp), shape, lookedUp.Position, attempt, ct)
                    .ConfigureAwait(false)).Attempt;
            default:
                throw new InvalidOperationException($"Command '{definition.Name}' returned an unknown decision.");
        }
    }

    private static ConflictRetries.Attempt Done(CommandOutcome outcome) => new(outcome, null);

    /// <summary>
    /// The answer to a command id already applied: its events are stored under ids derived from it
    /// (<see cref="Command.eventId"/>), read back by id; null when its first event is not stored.
    /// </summary>
    private static async Task<CommandOutcome?> EarlierAnswer(IEventByIdReader byId, CommandContext context, Guid commandId, int attempt,
        CancellationToken ct)
    {
        var tenant = context.Caller.Tenant;
        var applied = new List<RecordedEvent>();
        for (var index = 0; ; index++)
        {
            var stored = await byId.ReadById(tenant, Command.eventId(tenant, commandId, index), ct).ConfigureAwait(false);
            if (stored.Length == 0) break;
            applied.AddRange(stored);
        }
        return applied.Count == 0 ? null : ResentAnswer(context, commandId, [.. applied], attempt);
    }

    /// <summary>
    /// The answer to a command id whose events are stored: the events as first written, or invalid when the id was
    /// first used for another command or other input.
    /// </summary>
    private static CommandOutcome ResentAnswer(CommandContext context, Guid commandId, RecordedEvent[] applied, int attempt) =>
        Command.reused(commandId, context.Fingerprint, applied) is { } reused
            ? CommandOutcome.NewInvalid(reused.Value)
            : Accepted(applied, null, applied.Max(x => x.Position), attempt, FSharpList<TriggerFailure>.Empty);

    /// <summary>
    /// Appends an accepted decision's events under the condition (and, for an aggregate type, that no migration marker
    /// appeared since its shape was read): the attempt's outcome, and the events written when the append succeeded.
    /// </summary>
    private async Task<(ConflictRetries.Attempt Attempt, RecordedEvent[]? Written)> Write(CommandContext context, CommandDefinition definition,
        CommandDecision.Accept accept, AppendCondition condition, AggregateShape? shape, long readPosition, int attempt, CancellationToken ct)
    {
        var caller = context.Caller;
        var ids = ListModule.OfSeq(context.Options.CommandId is { } chosen
            ? accept.events.Select((_, i) => Command.eventId(caller.Tenant, chosen, i))
            : accept.events.Select(_ => _ids.NewId()));
        if (Command.checkOwnFields(context.Fields.Keys) is { IsError: true } reserved) return (Done(CommandOutcome.NewInvalid(reserved.ErrorValue)), null);
        var metadata = TraceContext.Stamp(Command.metadata(caller, context.CommandId).WithFields(context.Fields));
        if (context.Options.CommandId is not null)
        {
            var stamped = Command.withFingerprint(context.Fingerprint, metadata);
            if (stamped.IsError) return (Done(CommandOutcome.NewInvalid(stamped.ErrorValue)), null);
            metadata = stamped.ResultValue;
        }
        var proposed = Command.propose(ids, metadata, accept.events);
        if (shape is not null)
            condition = AppendCondition.NewAll(ListModule.OfArray([condition, AggregateMigrationModule.unchangedSince(definition.Aggregate, shape.Position)]));
        var request = AppendRequest.Of(caller.Tenant, proposed).When(condition);
        AppendResult appended;
        try
        {
            appended = await StoreTelemetry.Append(_store, request, ct).ConfigureAwait(false);
        }
        catch (InvalidInputException invalid)
        {
            return (Done(CommandOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message))), null);
        }
        if (appended is AppendResult.Appended written)
        {
            // Under a caller-chosen id the store answers a repeat with the events stored: another command's, if the id was reused.
            if (context.Options.CommandId is { } chosenId && Command.reused(chosenId, context.Fingerprint, written.Item) is { } reused)
                return (Done(CommandOutcome.NewInvalid(reused.Value)), null);
            var failures = await RunTriggers(context, written.Item, ct).ConfigureAwait(false);
            var position = written.Item.Length == 0 ? readPosition : written.Item.Max(x => x.Position);
            return (Done(Accepted(written.Item, accept.result, position, attempt, failures)), written.Item);
        }
        var failure = ((AppendResult.ConditionFailed)appended).Item;
        if (failure.Kind == ConditionFailureKind.DuplicateEventIds && context.Options.CommandId is { } reusedId)
            return (Done(CommandOutcome.NewInvalid(Command.reusedIds(reusedId))), null);
        if (!Command.isRetryable(failure)) return (Done(CommandOutcome.NewConflict(attempt, failure.Reason)), null);
        // A migration marker may explain the conflict: read the shape again before the next attempt.
        if (shape is not null) await Gate.ReadAsync(caller.Tenant, definition.Aggregate, ct).ConfigureAwait(false);
        _logger.LogDebug("Command {Command} of tenant {Tenant} conflicted on attempt {Attempt}: {Reason}",
            definition.Name, caller.Tenant, attempt, failure.Reason);
        return (new ConflictRetries.Attempt(null, failure.Reason), null);
    }

    /// <summary>
    /// The definition in force for the command in its tenant, the command parsed (and authorized) by it, and the shape
    /// it holds under; or the outcome refusing it (a migration running longer than the wait, or one this node does not know).
    /// </summary>
    private async Task<(CommandDefinition Definition, object Command, AggregateShape? Shape, CommandOutcome? Refused)> InForce(
        CommandContext context, CancellationToken ct)
    {
        var definition = context.Definition;
        if (string.IsNullOrEmpty(definition.Aggregate)) return (definition, context.Command, null, null);
        var tenant = context.Caller.Tenant;
        var shape = await Gate.WhenSettledAsync(tenant, definition.Aggregate, _options.PausedWait, ct).ConfigureAwait(false);
        if (shape is null)
            return (definition, context.Command, null, CommandOutcome.NewUnavailable(
                $"The aggregate '{definition.Aggregate}' of tenant '{tenant}' is being migrated; retry the command.", _options.RetryAfter));
        var current = definition;
        if (shape.Status is MigrationStatus.Migrated migrated)
        {
            if (!_migrations.TryGetValue((definition.Aggregate, migrated.migration), out var migration))
                return (definition, context.Command, null, CommandOutcome.NewUnavailable(
                    $"The aggregate '{definition.Aggregate}' of tenant '{tenant}' was migrated by '{migrated.migration}', which this node does not know; retry the command on an up-to-date node.",
                    _options.RetryAfter));
            current = migration.Commands.FirstOrDefault(c => c.Name == definition.Name) ?? definition;
        }
        if (ReferenceEquals(current, definition)) return (definition, context.Command, shape, null);
        var command = context.Command;
        if (context.Items.TryGetValue(JsonItem, out var json) && json is string text)
        {
            var reparsed = current.Parse.Invoke(text);
            if (reparsed.IsError) return (current, command, null, CommandOutcome.NewInvalid(reparsed.ErrorValue));
            command = reparsed.ResultValue;
        }
        if (current.Check(context.Caller, command) is Authorization.Denied denied)
            return (current, command, null, CommandOutcome.NewUnauthorized(denied.reason));
        return (current, command, shape, null);
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
