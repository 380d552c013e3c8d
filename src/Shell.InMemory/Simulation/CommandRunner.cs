using Hybrid.Shell.Commands;
using Hybrid.Simulation;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Sends users' commands through the framework's <see cref="CommandProcessor"/> (authorize, look up, decide, append
/// on condition that nothing read has changed, retry conflicts), records what the shell saw for the invariants, and
/// injects concurrent duplicates: the same command submitted again between the lookup and the append.
/// </summary>
public sealed class CommandRunner
{
    private const int MaxRetries = 3;
    private readonly SimulationContext _context;
    private readonly CommandProcessor _processor;
    private readonly Dictionary<string, CommandDefinition> _definitions;

    /// <summary>A runner over the application's registered commands.</summary>
    public CommandRunner(SimulationContext context)
    {
        _context = context;
        var definitions = Simulated.commands(context.Application).ToList();
        _definitions = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        // The planted bug: the processor runs with definitions that allow everyone (the runner still judges them).
        var running = context.Has(Sabotage.BypassAuthorization) ? definitions.Select(AllowingEveryone) : definitions;
        // Conflicts back off on the engines' virtual clock, with jitter from the seed: retries cost virtual time only.
        var jitter = new Random(unchecked(context.Options.Seed * 17 + 3));
        _processor = new CommandProcessor(context.Store, context.Ids, new CommandCatalog(running),
            new CommandProcessorOptions { JitterSource = jitter.NextDouble }, clock: context.EngineClock);
    }

    /// <summary>The command processor the runner drives.</summary>
    public CommandProcessor Processor => _processor;

    /// <summary>Runs a user's request for the caller (whose tenant, actor and roles count; its correlation id is replaced).</summary>
    public CommandResult Run(Caller caller, SimulatedRequest request) => Run(caller, request, allowConcurrentDuplicate: true);

    private CommandResult Run(Caller caller, SimulatedRequest request, bool allowConcurrentDuplicate)
    {
        var commandId = _context.Ids.NewId();
        caller = new Caller(caller.Tenant, caller.Actor, caller.Roles, commandId.ToString());
        var ledger = _context.Ledger(caller.Tenant);
        var who = caller.IsAuthenticated ? caller.Actor : "(anonymous)";
        if (_definitions.TryGetValue(request.Command, out var definition) && definition.Check(caller, request.Payload) is Authorization.Denied)
            ledger.DeniedCommands.Add(caller.CorrelationId);
        if (allowConcurrentDuplicate && _context.Faults.Inject(FaultKind.ConcurrentDuplicate))
            _context.BeforeNextAppend = () => Run(caller, request, allowConcurrentDuplicate: false);

        CommandOutcome outcome;
        var options = new CommandOptions { CommandId = commandId };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var running = _processor.ExecuteAsync(caller, request.Command, request.Payload, options);
                _context.EngineClock.Await(running);
                outcome = running.Result;
                break;
            }
            catch (SimulatedFaultException fault)
            {
                // Report the failure, as an HTTP client would see it. (The planted bug retries with a new command
                // id, which writes the command twice.)
                _context.BeforeNextAppend = null;
                options = new CommandOptions { CommandId = _context.Ids.NewId() };
                if (!_context.Has(Sabotage.RetryWithNewIds) || attempt == MaxRetries)
                {
                    _context.Stats.CommandsFailed++;
                    return Done(caller, who, request, new CommandResult(CommandStatus.Failed, [], fault.Message));
                }
            }
        }
        _context.BeforeNextAppend = null;
        return Done(caller, who, request, Record(caller, ledger, outcome));
    }

    private CommandResult Record(Caller caller, TenantLedger ledger, CommandOutcome outcome)
    {
        var stats = _context.Stats;
        switch (outcome)
        {
            case CommandOutcome.Accepted { Item: var accepted }:
                stats.Conflicts += accepted.Attempts - 1;
                if (accepted.Events.Length == 0)
                {
                    stats.CommandsUnchanged++;
                    return new CommandResult(CommandStatus.Unchanged, [], "nothing to change");
                }
                ledger.Acknowledge(accepted.Events);
                ledger.CommandWrites[caller.CorrelationId] = accepted.Events.Length;
                stats.CommandsAccepted++;
                return new CommandResult(CommandStatus.Accepted, accepted.Events, $"{accepted.Events.Length} event(s)");
            case CommandOutcome.Rejected rejected:
                stats.CommandsRejected++;
                return new CommandResult(CommandStatus.Rejected, [], rejected.Item.Reason);
            case CommandOutcome.NotFound notFound:
                stats.CommandsRejected++;
                return new CommandResult(CommandStatus.Rejected, [], $"{notFound.what} was not found.");
            case CommandOutcome.Unauthorized unauthorized:
                stats.CommandsUnauthorized++;
                return new CommandResult(CommandStatus.Unauthorized, [], unauthorized.reason);
            case CommandOutcome.Conflict conflict:
                stats.Conflicts += conflict.attempts;
                stats.CommandsFailed++;
                return new CommandResult(CommandStatus.Failed, [], $"Conflicting writes outlasted {conflict.attempts} attempts: {conflict.reason}");
            default:
                stats.CommandsFailed++;
                return new CommandResult(CommandStatus.Failed, [], CommandProcessor.OutcomeName(outcome));
        }
    }

    private static CommandDefinition AllowingEveryone(CommandDefinition d) =>
        new(d.Name, d.Aggregate, d.Emits, d.Parse, d.Payload, d.Returns,
            FSharpOption<FSharpFunc<Caller, FSharpFunc<object, Authorization>>>.Some(
                FuncConvert.FromFunc<Caller, object, Authorization>((_, _) => Authorization.Allowed)),
            d.Lookup, d.Decide, d.Views, d.Fold, d.LookupIn, d.Validate);

    private CommandResult Done(Caller caller, string who, SimulatedRequest request, CommandResult result)
    {
        _context.Record(ActivityKind.Command, caller.Tenant, who, request.Text, result.Status switch
        {
            CommandStatus.Accepted => $"accepted: {string.Join(", ", result.Events.Select(e => e.Type))}",
            CommandStatus.Unchanged => "accepted: nothing to change",
            _ => $"{result.Status.ToString().ToLowerInvariant()}: {result.Message}",
        });
        return result;
    }
}
