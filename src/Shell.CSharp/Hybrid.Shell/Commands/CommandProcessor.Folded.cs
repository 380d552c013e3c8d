using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Commands;

// The attempt of a command that decides over folded stream states (built from a decider or a StreamFold), through the
// decided-state cache: warm, it reads nothing and appends once, under the condition that each stream is still at the
// version its kept state was folded at. A kept state that proved stale is dropped and the streams are read again.
public sealed partial class CommandProcessor
{
    private async Task<ConflictRetries.Attempt> AttemptFolded(CommandContext context, CommandDefinition definition, object command,
        AggregateShape? shape, StateFold fold, DecidedStateCache states, int attempt, CancellationToken ct)
    {
        var tenant = context.Caller.Tenant;
        var streams = ((Lookup.Streams)definition.LookupFor(command)).Item;
        for (var reread = false; ; reread = true)
        {
            Folded read;
            try
            {
                read = await ReadFolded(tenant, fold, states, streams, reread, ct).ConfigureAwait(false);
            }
            catch (InvalidInputException invalid)
            {
                return Done(CommandOutcome.NewInvalid(new Validation.Error(invalid.Field, invalid.Message)));
            }
            var decision = fold.DecideOver(DecisionContext.Of(context.Caller, _clock.GetUtcNow()), command, streams.Select(s => Tuple.Create(s, read.States[s].State)));
            if (decision is CommandDecision.Accept { events.IsEmpty: false } accept)
            {
                var (outcome, written) = await Write(context, definition, accept, Unchanged(streams, read), shape, read.Position, attempt, ct)
                    .ConfigureAwait(false);
                if (written is not null)
                {
                    Advance(tenant, fold, states, streams, read, written);
                    return outcome;
                }
                foreach (var stream in streams) states.Drop(tenant, stream, fold);
                // Another writer moved a stream past the kept state: read it again at once, without counting an attempt.
                if (outcome.IsConflict && read.AnyKept) continue;
                return outcome;
            }
            // Nothing to write, so no append checks the kept states: check them against the store before answering.
            if (read.AnyKept && !await StillCurrent(tenant, streams, read, ct).ConfigureAwait(false))
            {
                foreach (var stream in streams) states.Drop(tenant, stream, fold);
                continue;
            }
            return Done(decision switch
            {
                CommandDecision.Reject reject => CommandOutcome.NewRejected(reject.Item),
                CommandDecision.NotFound notFound => CommandOutcome.NewNotFound(notFound.what),
                CommandDecision.Accept empty => Accepted([], empty.result, read.Position, attempt, FSharpList<TriggerFailure>.Empty),
                _ => throw new InvalidOperationException($"Command '{definition.Name}' returned an unknown decision."),
            });
        }
    }

    /// <summary>The states a decision was made over, whether any came from the cache, and the position they were read at.</summary>
    private sealed record Folded(Dictionary<string, FoldedStream> States, bool AnyKept, long Position);

    /// <summary>Each stream's kept state, or (missing, or when <paramref name="reread"/>) its state folded from a fresh read.</summary>
    private async Task<Folded> ReadFolded(string tenant, StateFold fold, DecidedStateCache states, FSharpList<string> streams, bool reread,
        CancellationToken ct)
    {
        var folded = new Dictionary<string, FoldedStream>(StringComparer.Ordinal);
        var anyKept = false;
        long? head = null;
        foreach (var stream in streams)
        {
            if (!reread && states.TryGet(tenant, stream, fold, out var kept))
            {
                folded[stream] = kept;
                anyKept = true;
                continue;
            }
            // The head first: the state's events all lie at or before any position read after it.
            head ??= await _store.GetHead(tenant, ct).ConfigureAwait(false);
            var state = await _store.GetStreamState(tenant, stream, ct).ConfigureAwait(false);
            var live = state.IsLive
                ? await _store.ReadStream(tenant, new StreamRead(stream, Names.NoVersion, state.Version + 1, Direction.Forward, 0), ct).ConfigureAwait(false)
                : [];
            var fresh = StateFoldModule.ofEvents(fold, state.Version, Math.Max(head.Value, live.Length == 0 ? 0 : live.Max(e => e.Position)), live);
            states.Put(tenant, stream, fold, fresh);
            folded[stream] = fresh;
        }
        return new Folded(folded, anyKept, folded.Values.Max(f => f.Position));
    }

    private static AppendCondition Unchanged(FSharpList<string> streams, Folded read) =>
        streams.Length == 1
            ? StateFoldModule.unchanged(streams.Head, read.States[streams.Head])
            : AppendCondition.NewAll(ListModule.OfSeq(streams.Select(s => StateFoldModule.unchanged(s, read.States[s]))));

    /// <summary>Keeps each stream's state after the events just written (or forgets it when they do not follow on).</summary>
    private static void Advance(string tenant, StateFold fold, DecidedStateCache states, FSharpList<string> streams, Folded read, RecordedEvent[] written)
    {
        foreach (var stream in streams)
        {
            var before = read.States[stream];
            if (!written.Any(e => e.Stream == stream)) continue;
            var after = StateFoldModule.advance(fold, stream, before, written);
            if (after is null) states.Drop(tenant, stream, fold);
            else states.Put(tenant, stream, fold, after.Value);
        }
    }

    /// <summary>True when every stream is still at the version (and liveness) its state was folded at.</summary>
    private async Task<bool> StillCurrent(string tenant, FSharpList<string> streams, Folded read, CancellationToken ct)
    {
        foreach (var stream in streams)
        {
            var state = await _store.GetStreamState(tenant, stream, ct).ConfigureAwait(false);
            if (!StateFoldModule.isCurrent(read.States[stream], state.Version, state.IsLive)) return false;
        }
        return true;
    }
}
