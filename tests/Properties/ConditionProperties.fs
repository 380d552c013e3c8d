// Condition evaluation: the core's evaluate against the specification, its laws, and the fencing rule.
module Hybrid.Tests.Properties.ConditionProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

/// A log, some streams deleted at their version at the time, and a condition.
let private scenario =
    gen {
        let! log = genLog
        let! deleted = subsetOf streams
        let! condition = genCondition log.Length
        return log, deleted, condition
    }
    |> Arb.fromGen

let private deletedUpTo (log: RecordedEvent[]) (deleted: StreamId[]) (stream: StreamId) =
    if Array.contains stream deleted then Specification.versionOf stream log else 0L

let private evaluate (log: RecordedEvent[]) deleted condition =
    let reader =
        AppendCondition.readerOfLog log (fun stream ->
            let version = Specification.versionOf stream log
            struct (version, version > deletedUpTo log deleted stream))
    AppendCondition.evaluate reader condition |> Result.mapError (fun f -> f.Kind)

[<Property>]
let ``evaluate accepts and rejects exactly as the specification`` () =
    Prop.forAll scenario (fun (log, deleted, condition) ->
        evaluate log deleted condition = Specification.verdict (List.ofArray log) (deletedUpTo log deleted) condition)

[<Property>]
let ``all of no conditions holds and all of one is that one`` () =
    Prop.forAll scenario (fun (log, deleted, condition) ->
        evaluate log deleted (All []) = Ok()
        && evaluate log deleted (All [ condition ]) = evaluate log deleted condition)

[<Property>]
let ``all of conditions fails with the first failing one`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genLog (Gen.listOfLength 3 (genCondition 15)))) (fun (log, conditions) ->
        let firstFailure = conditions |> List.tryPick (fun c -> match evaluate log [||] c with Error k -> Some k | Ok() -> None)
        evaluate log [||] (All conditions) = (match firstFailure with Some k -> Error k | None -> Ok()))

let private logAndQuery = Arb.fromGen (Gen.zip genLog (genQuery 15))

[<Property>]
let ``nothing matches after the head`` () =
    Prop.forAll logAndQuery (fun (log, query) -> evaluate log [||] (FailIfEventsMatch(query, int64 log.Length)) = Ok())

[<Property>]
let ``fail if events match from the start fails exactly when the query reads something`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let reads = EventQuery.select { query with Limit = 0 } log
        (evaluate log [||] (FailIfEventsMatch(query, 0L)) = Error ConditionFailureKind.EventsMatched) = (reads.Length > 0))

[<Property>]
let ``a predicate receives what a read of its query returns, in its direction and at most its limit`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let mutable seen = [||]
        let condition = Predicate(query, (fun events -> seen <- events; true), "capture")
        evaluate log [||] condition = Ok()
        && (seen |> Array.map (fun e -> e.Id)) = (Specification.select query log |> Array.map (fun e -> e.Id)))

[<Property>]
let ``fail if events match sees every match after its position whatever the query's direction and limit`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let position = int64 (log.Length / 2)
        let unlimited = { query with Direction = Direction.Forward; Limit = 0 }
        evaluate log [||] (FailIfEventsMatch(query, position)) = evaluate log [||] (FailIfEventsMatch(unlimited, position)))

[<Property>]
let ``expected versions hold exactly per their definition`` () =
    Prop.forAll (Arb.fromGen (Gen.zip3 genExpectedVersion (Gen.choose (0, 4)) (Gen.choose (0, 4)))) (fun (expected, version, deletedUpTo) ->
        let version, deletedUpTo = int64 version, min (int64 deletedUpTo) (int64 version)
        let live = version > deletedUpTo
        let holds =
            match expected with
            | ExpectedVersion.Any -> true
            | ExpectedVersion.NoStream -> version = deletedUpTo
            | ExpectedVersion.StreamExists -> version > deletedUpTo
            | ExpectedVersion.Exact v -> v = version
        match AppendCondition.checkVersion "s" expected (version, live) with
        | Ok() -> holds
        | Error f -> not holds && f.Kind = ConditionFailureKind.WrongExpectedVersion && f.ActualVersion = version && f.Stream = "s")

let private checkpointAndWrite =
    Gen.zip3 (Gen.choose (0, 20)) (Gen.choose (0, 5)) (Gen.zip (Gen.choose (0, 20)) (Gen.choose (0, 5)))
    |> Arb.fromGen

[<Property>]
let ``a checkpoint write never lowers the position and is refused below the fence`` () =
    Prop.forAll checkpointAndWrite (fun (position, fence, (writePosition, token)) ->
        let current = { Position = int64 position; Fence = int64 fence }
        let write = { Processor = "p"; Position = int64 writePosition; FencingToken = int64 token }
        match Fencing.write "t" current write with
        | Ok next -> token >= fence && next.Position = max current.Position write.Position && next.Fence = int64 token
        | Error f -> token < fence && f.Kind = ConditionFailureKind.StaleFencingToken)

[<Property>]
let ``a claim raises the fence and keeps the position unless the token is stale`` () =
    Prop.forAll checkpointAndWrite (fun (position, fence, (_, token)) ->
        let current = { Position = int64 position; Fence = int64 fence }
        match Fencing.claim "t" "p" current (int64 token) with
        | Ok next -> token >= fence && next = { current with Fence = int64 token }
        | Error f -> token < fence && f.Kind = ConditionFailureKind.StaleFencingToken)
