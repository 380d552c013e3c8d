using Hybrid.Simulation;
using Microsoft.FSharp.Core;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// Runs a command the way the write side does: authorize (deny by default), look up, decide (pure), append on
/// condition that nothing matching the lookup appeared since. Retries an append that failed with the same event
/// ids (they are idempotency keys), and a conflict with a fresh lookup.
/// </summary>
public sealed class CommandRunner(SimulationContext context)
{
    private const int MaxConflictRetries = 4;
    private const int MaxFaultRetries = 3;

    /// <summary>Runs the command for the caller; the caller's correlation id is the command's id.</summary>
    public CommandResult Run(Caller caller, SimulatedCommand command) => Run(caller, command, allowConcurrentDuplicate: true);

    private CommandResult Run(Caller caller, SimulatedCommand command, bool allowConcurrentDuplicate)
    {
        var ledger = context.Ledger(caller.Tenant);
        var who = caller.IsAuthenticated ? caller.Actor : "(anonymous)";
        if (!command.Authorize.Invoke(caller))
        {
            ledger.DeniedCommands.Add(caller.CorrelationId);
            if (!context.Has(Sabotage.BypassAuthorization))
            {
                context.Stats.CommandsUnauthorized++;
                var denied = caller.IsAuthenticated ? $"'{caller.Actor}' may not" : "An anonymous caller may not";
                return Done(caller, who, command, new CommandResult(CommandStatus.Unauthorized, [],
                    $"{denied} run {command.Name} in tenant '{caller.Tenant}'."));
            }
        }

        for (var attempt = 1; attempt <= MaxConflictRetries; attempt++)
        {
            var found = SimulationContext.Sync(context.Store.Read(caller.Tenant, command.Lookup, CancellationToken.None));
            var readUpTo = found.Length == 0 ? 0 : found[^1].Position;
            var outcome = command.Decide.Invoke(caller).Invoke(found);
            if (outcome is SimulatedOutcome.Rejected rejected)
            {
                context.Stats.CommandsRejected++;
                return Done(caller, who, command, new CommandResult(CommandStatus.Rejected, [], rejected.reason));
            }
            var accepted = (SimulatedOutcome.Accepted)outcome;
            if (accepted.events.IsEmpty)
            {
                context.Stats.CommandsUnchanged++;
                return Done(caller, who, command, new CommandResult(CommandStatus.Unchanged, [], accepted.result));
            }
            if (allowConcurrentDuplicate && context.Faults.Inject(FaultKind.ConcurrentDuplicate))
                Run(new Caller(caller.Tenant, caller.Actor, caller.Roles, context.Ids.NewId().ToString()), command, allowConcurrentDuplicate: false);

            var metadata = new EventMetadata(caller.CorrelationId, caller.CorrelationId, caller.Actor);
            var request = new AppendRequest(caller.Tenant, Propose(ledger, accepted.events, metadata),
                AppendCondition.NewFailIfEventsMatch(command.Lookup, readUpTo), FSharpOption<CheckpointWrite>.None);
            var result = AppendRetryingFaults(ledger, request);
            if (result is null)
            {
                context.Stats.CommandsFailed++;
                return Done(caller, who, command, new CommandResult(CommandStatus.Failed, [],
                    "The store kept failing; the command may or may not have been written."));
            }
            if (result.IsAppended)
            {
                var events = result.Events;
                ledger.Acknowledge(events);
                ledger.CommandWrites[caller.CorrelationId] = events.Length;
                context.Stats.CommandsAccepted++;
                return Done(caller, who, command, new CommandResult(CommandStatus.Accepted, events, accepted.result));
            }
            context.Stats.Conflicts++;
        }
        context.Stats.CommandsFailed++;
        return Done(caller, who, command, new CommandResult(CommandStatus.Failed, [],
            $"Conflicting writes outlasted {MaxConflictRetries} attempts."));
    }

    private ProposedEvent[] Propose(TenantLedger ledger, IEnumerable<EventData> events, EventMetadata metadata)
    {
        var proposed = events.Select(d => new ProposedEvent(context.Ids.NewId(), d, metadata)).ToArray();
        foreach (var e in proposed) ledger.Proposed.Add(e.Id);
        return proposed;
    }

    private AppendResult? AppendRetryingFaults(TenantLedger ledger, AppendRequest request)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return SimulationContext.Sync(context.Store.Append(request, CancellationToken.None));
            }
            catch (SimulatedFaultException) when (attempt < MaxFaultRetries)
            {
                if (context.Has(Sabotage.RetryWithNewIds))
                    request = new AppendRequest(request.Tenant, Propose(ledger, request.Events.Select(e => e.Data), request.Events[0].Metadata),
                        request.Condition, request.Checkpoint);
            }
            catch (SimulatedFaultException)
            {
                return null;
            }
        }
    }

    private CommandResult Done(Caller caller, string who, SimulatedCommand command, CommandResult result)
    {
        context.Record(ActivityKind.Command, caller.Tenant, who, command.Text, result.Status switch
        {
            CommandStatus.Accepted => $"accepted: {string.Join(", ", result.Events.Select(e => e.Type))}",
            CommandStatus.Unchanged => "accepted: nothing to change",
            _ => $"{result.Status.ToString().ToLowerInvariant()}: {result.Message}",
        });
        return result;
    }
}
