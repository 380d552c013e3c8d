// Properties of Append.decide, the one append decision every store carries out: it agrees with the specification's
// verdicts, assigns positions and versions as a list model does, answers re-sends and empty appends, and decides a
// group's members as if each had been sent alone after the ones before it.
module Hybrid.Tests.Properties.AppendDecisionProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

/// What a store holding this log (position order) and these checkpoints knows; streams are never deleted here.
let private stateOf (log: RecordedEvent[]) (checkpoints: Map<string, Checkpoint>) = Specification.appendState log checkpoints Map.empty

let private propose (first: int) (data: EventData list) =
    data |> List.mapi (fun i d -> { Id = idOf (first + i); Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList

let private request events condition = { AppendRequest.Of("t1", events) with Condition = condition }

let private decide log request = Append.decide (stateOf log Map.empty) DateTimeOffset.UnixEpoch request

/// A log and an append of new events under a condition.
let private scenario =
    gen {
        let! log = genLog
        let! events = Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n genEventData)
        let! condition = genCondition 15
        return log, propose 100 events, condition
    }

[<Property>]
let ``decide rejects exactly when the specification's verdict fails, with its kind`` () =
    Prop.forAll (Arb.fromGen scenario) (fun (log, events, condition) ->
        match decide log (request events condition), Specification.verdict (List.ofArray log) (fun _ -> 0L) condition with
        | Reject failure, Error kind -> failure.Kind = kind
        | Write _, Ok() -> true
        | _ -> false)

[<Property>]
let ``a written append takes the next positions and each stream's next versions`` () =
    Prop.forAll (Arb.fromGen scenario) (fun (log, events, _) ->
        match decide log (request events NoCondition) with
        | Write w ->
            let expected = record "t1" (List.ofArray (Array.append (log |> Array.map (fun e -> e.Data)) (events |> Array.map (fun e -> e.Data))))
            let written = expected |> List.skip log.Length
            w.Events |> Array.map (fun e -> e.Position, e.StreamVersion, e.Id) = (written |> List.mapi (fun i e -> e.Position, e.StreamVersion, events.[i].Id) |> Array.ofList)
            && w.Head = int64 (log.Length + events.Length)
            && w.Streams |> Array.forall (fun s -> s.Version = Specification.versionOf s.Stream expected)
            && (w.Streams |> Array.map (fun s -> s.Stream) |> Set.ofArray) = (events |> Array.choose (fun e -> Option.ofObj e.Data.Stream) |> Set.ofArray)
        | _ -> false)

[<Property>]
let ``a re-send of stored ids answers their envelopes in position order and a partial one fails`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genLog (genCondition 15))) (fun (log, condition) ->
        log.Length < 2
        || (let stored = [| log.[log.Length - 1]; log.[0] |] |> Array.map (fun e -> { Id = e.Id; Data = e.Data; Metadata = e.Metadata })
            match decide log (request stored condition), decide log (request (Array.append stored (propose 100 [ log.[0].Data ])) condition) with
            | AlreadyStored envelopes, Reject partial ->
                envelopes = [| log.[0]; log.[log.Length - 1] |] && partial.Kind = ConditionFailureKind.DuplicateEventIds
            | _ -> false))

[<Property>]
let ``an empty append is decided by its fence and condition and writes only its checkpoint`` () =
    let checkpoint = Gen.map2 (fun p t -> Some { Processor = "p"; Position = int64 p; FencingToken = int64 t }) (Gen.choose (0, 9)) (Gen.choose (0, 3))
    Prop.forAll (Arb.fromGen (Gen.zip3 genLog (genCondition 15) (Gen.oneof [ Gen.constant None; checkpoint ]))) (fun (log, condition, write) ->
        let fence = { Position = 3L; Fence = 2L }
        let decision =
            Append.decide (stateOf log (Map.ofList [ "p", fence ])) DateTimeOffset.UnixEpoch { request [||] condition with Checkpoint = write }
        match decision, write with
        | Reject f, Some w when w.FencingToken < fence.Fence -> f.Kind = ConditionFailureKind.StaleFencingToken
        | Reject f, _ -> Specification.verdict (List.ofArray log) (fun _ -> 0L) condition = Error f.Kind
        | Write w, _ ->
            w.Events.Length = 0 && w.Head = int64 log.Length && w.Streams.Length = 0
            && w.Checkpoints = (write |> Option.map (fun c -> [| { Processor = "p"; Checkpoint = { Position = max 3L c.Position; Fence = c.FencingToken } } |]) |> Option.defaultValue [||])
        | AlreadyStored _, _ -> false)

[<Property>]
let ``a group decides each member as if the ones before it had been written alone`` () =
    let members =
        Gen.choose (1, 5)
        |> Gen.bind (fun n -> Gen.listOfLength n (Gen.zip (Gen.choose (0, 2) |> Gen.bind (fun k -> Gen.listOfLength k genEventData)) (genCondition 15)))
    Prop.forAll (Arb.fromGen (Gen.zip genLog members)) (fun (log, members) ->
        let requests = members |> List.mapi (fun i (events, condition) -> request (propose (100 + 10 * i) events) condition)
        // Half the time a member is a re-send of an earlier one: it must answer the earlier member's envelopes.
        let requests = requests |> List.mapi (fun i r -> if i > 0 && i % 2 = 0 then requests.[i - 1] else r)
        let plan = Append.decideGroup (stateOf log Map.empty) DateTimeOffset.UnixEpoch (Array.ofList requests :> Collections.Generic.IReadOnlyList<_>)
        let alone, finalLog =
            requests
            |> List.fold (fun (decisions, log) r ->
                let d = decide log r
                let log = match d with Write w -> Array.append log w.Events | _ -> log
                decisions @ [ d ], log) ([], log)
        (plan.Decisions |> Array.map (function Ok d -> d.Result | Error e -> raise e)) = (alone |> List.map (fun d -> d.Result) |> Array.ofList)
        && Array.append log plan.Write.Events = finalLog
        && plan.Write.Head = int64 finalLog.Length)
