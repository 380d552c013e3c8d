// Commands that decide over folded stream states: the decision, the fold a command is built from, and the pure
// steps that let a shell keep folded states between commands (a decided-state cache) without changing any decision.
namespace Hybrid

/// A command's pure decision.
[<RequireQualifiedAccess>]
type CommandDecision =
    /// Append these events (none: succeed and write nothing) and answer with the optional result.
    | Accept of events: EventData list * result: obj option
    /// A business rule refused the command.
    | Reject of Rejection
    /// The command's target does not exist.
    | NotFound of what: string

/// How a stream's recorded events fold into a state. Create one per aggregate type and share it among its commands:
/// commands built from the same fold share the states a shell keeps.
[<ReferenceEquality>]
type StreamFold<'State> =
    { Initial: 'State
      /// Folds one recorded event (events it does not know leave the state unchanged).
      Evolve: 'State -> RecordedEvent -> 'State }

/// A stream state folded up to a version: a fact about the stream that stays true until the stream moves on, so a
/// shell may keep it and decide over it as long as the append expects the stream still at that version.
type FoldedStream =
    { State: obj
      /// The stream's version the state was folded up to (0 when never written).
      Version: StreamVersion
      /// True when the stream had live events (not deleted) at that version.
      IsLive: bool
      /// A tenant position at or after the state's last event: the position a decision over it read.
      Position: Position }

/// A command's decision written over folded states (every command built from a decider or a StreamFold): what lets a
/// shell decide over states it kept instead of reading the streams again. States are shared by the commands whose
/// Source and Codec are the same objects.
[<ReferenceEquality>]
type StateFold =
    { /// The decider or StreamFold the states come from (compared by reference).
      Source: obj
      /// The codec the decider's events pass through (compared by reference); null for a StreamFold.
      Codec: obj
      Initial: obj
      Evolve: obj -> RecordedEvent -> obj
      /// The decision over the command and the state of each stream it reads.
      Decide: DecisionContext -> obj -> Map<StreamId, obj> -> CommandDecision
      /// The definition's Lookup and Decide functions this fold was built with: a copy of the definition that
      /// replaces either no longer decides through the fold (the shell then reads the streams every time).
      Lookup: obj
      DecideLooked: obj }

    /// The decision over the command and the states of the streams it reads.
    member f.DecideOver(context: DecisionContext, command: obj, states: (StreamId * obj) seq) = f.Decide context command (Map.ofSeq states)

/// The pure steps over folded states.
module StateFold =

    /// A stream's state folded from its live events as read.
    let ofEvents (fold: StateFold) (version: StreamVersion) (position: Position) (events: RecordedEvent[]) =
        { State = Array.fold fold.Evolve fold.Initial events
          Version = version
          IsLive = events.Length > 0
          Position = position }

    /// The states of the streams a lookup read.
    let statesOf (fold: StateFold) (streams: StreamId list) (looked: LookedUp) =
        streams |> List.map (fun s -> s, Array.fold fold.Evolve fold.Initial (looked.EventsOf s)) |> Map.ofList

    /// The state after the events a command appended to the stream: exactly the next versions, in order, or None when
    /// they are not (the store answered with events written before, say), so the state must be read again.
    let advance (fold: StateFold) (stream: StreamId) (folded: FoldedStream) (appended: RecordedEvent[]) =
        let mine = appended |> Array.filter (fun e -> e.Stream = stream)
        let follows = mine |> Array.mapi (fun i e -> e.StreamVersion = folded.Version + int64 i + 1L) |> Array.forall id
        if mine.Length = 0 || not follows then
            None
        else
            Some
                { State = Array.fold fold.Evolve folded.State mine
                  Version = mine.[mine.Length - 1].StreamVersion
                  IsLive = true
                  Position = mine |> Array.map (fun e -> e.Position) |> Array.max |> max folded.Position }

    /// The condition an append decided over a folded stream is written under: the stream is still at the version
    /// folded, and still live when it was (a deletion keeps the version, so the version alone would not tell).
    let unchanged (stream: StreamId) (folded: FoldedStream) =
        let exact = StreamVersion(stream, ExpectedVersion.Exact folded.Version)
        if folded.IsLive then All [ exact; StreamVersion(stream, ExpectedVersion.StreamExists) ] else exact

    /// True when the stream's state in the store is the one the state was folded at (no decision can differ).
    let isCurrent (folded: FoldedStream) (version: StreamVersion) (isLive: bool) =
        folded.Version = version && folded.IsLive = isLive
