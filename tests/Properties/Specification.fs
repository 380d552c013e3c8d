// The contract's definitions written as plainly as possible, independent of the core's implementation:
// the reference every property compares against.
module Hybrid.Tests.Properties.Specification

open Hybrid

/// An event matches an item when its type is one of the item's types (or the item has none) and it has every tag.
let itemMatches (item: QueryItem) (e: RecordedEvent) =
    (Array.isEmpty item.Types || Array.contains e.Type item.Types)
    && (item.Tags |> Array.forall (fun t -> Array.contains t e.Tags))

/// A query selects events strictly between its positions that match any item (every event when it has none).
let matches (query: EventQuery) (e: RecordedEvent) =
    e.Position > query.After
    && e.Position < query.Before
    && (Array.isEmpty query.Items || query.Items |> Array.exists (fun i -> itemMatches i e))

/// The events a query reads from a log in position order.
let select (query: EventQuery) (log: RecordedEvent seq) =
    let forward = log |> Seq.filter (matches query) |> List.ofSeq
    let ordered = if query.Direction = Direction.Backward then List.rev forward else forward
    (if query.Limit > 0 then List.truncate query.Limit ordered else ordered) |> Array.ofList

/// A stream's version (its event count) in a log.
let versionOf (stream: StreamId) (log: RecordedEvent seq) =
    log |> Seq.filter (fun e -> e.Stream = stream) |> Seq.length |> int64

/// Whether a condition lets an append through, or the kind of its first failure (conditions of All in order).
let rec verdict (log: RecordedEvent list) (deletedUpTo: StreamId -> StreamVersion) (condition: AppendCondition) =
    match condition with
    | NoCondition -> Ok()
    | StreamVersion(stream, expected) ->
        let version = versionOf stream log
        let live = version > deletedUpTo stream
        let holds =
            match expected with
            | ExpectedVersion.Any -> true
            | ExpectedVersion.NoStream -> not live
            | ExpectedVersion.StreamExists -> live
            | ExpectedVersion.Exact v -> v = version
        if holds then Ok() else Error ConditionFailureKind.WrongExpectedVersion
    | FailIfEventsMatch(query, after) ->
        if log |> List.exists (fun e -> e.Position > after && matches query e) then Error ConditionFailureKind.EventsMatched
        else Ok()
    | Predicate(query, check, _) ->
        // A predicate sees what a read of its query returns: its direction and limit included.
        if check (select query log) then Ok() else Error ConditionFailureKind.PredicateRejected
    | All conditions ->
        conditions
        |> List.tryPick (fun c -> match verdict log deletedUpTo c with Error k -> Some k | Ok() -> None)
        |> function Some k -> Error k | None -> Ok()

/// What a store holding this log (position order), these checkpoints and these stream deletions (tombstones, capped
/// at each stream's version) knows, as the append decision asks it.
let appendState (log: RecordedEvent[]) (checkpoints: Map<string, Checkpoint>) (deleted: Map<StreamId, int64>) =
    let version stream = versionOf stream log
    let deletedUpTo stream = deleted |> Map.tryFind stream |> Option.defaultValue 0L |> min (version stream)
    { new IAppendState with
        member _.Head = int64 log.Length
        member _.TryGetStored(id, stored) =
            match log |> Array.tryFind (fun e -> e.Id = id) with
            | Some e ->
                stored <- e
                true
            | None -> false
        member _.Checkpoint processor = checkpoints |> Map.tryFind processor |> Option.defaultValue { Position = 0L; Fence = 0L }
      interface IConditionReader with
        member _.StreamState stream = struct (version stream, version stream > deletedUpTo stream)
        member _.Matching query = select { query with Direction = Direction.Forward; Limit = 0 } log
        member _.AnyMatchAfter(query, after) = log |> Array.exists (fun e -> e.Position > after && matches query e) }
