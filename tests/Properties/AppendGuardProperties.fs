// Properties of AppendGuard, the facts under which a store writes a group in one statement: for a lone append they hold
// exactly when its condition passes, and whenever they hold over a state, Append.decideGroup writes every member of the
// group as plain appends. So the guarded path can only ever give an answer the append decision gives.
module Hybrid.Tests.Properties.AppendGuardProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

/// A store holding this log, with some streams deleted up to a version (their tombstones).
let private stateOf (log: RecordedEvent[]) (deleted: Map<StreamId, int64>) = Specification.appendState log Map.empty deleted

let private genDeleted =
    Gen.subListOf streams |> Gen.bind (fun ss -> Gen.listOfLength ss.Length (Gen.choose (1, 6)) |> Gen.map (fun vs -> List.zip ss (List.map int64 vs) |> Map.ofList))

/// A condition the guard can express (no Predicate), nested at most once.
let private genGuardable =
    let leaf =
        Gen.frequency
            [ 1, Gen.constant NoCondition
              4, Gen.map2 (fun s e -> AppendCondition.StreamVersion(s, e)) (Gen.elements streams) genExpectedVersion
              3, Gen.map2 (fun q a -> FailIfEventsMatch(q, int64 a)) (genQuery 15) (Gen.choose (0, 16)) ]
    Gen.frequency [ 4, leaf; 1, Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n leaf) |> Gen.map All ]

let private propose (first: int) (data: EventData list) =
    data |> List.mapi (fun i d -> { Id = idOf (first + i); Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList

let private request events condition = { AppendRequest.Of("t1", events) with Condition = condition }

let private group (requests: AppendRequest list) = Array.ofList requests :> Collections.Generic.IReadOnlyList<_>

[<Property>]
let ``for a lone append the guard holds exactly when its condition passes`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.zip genLog genDeleted) (Gen.zip genEventData genGuardable))) (fun ((log, deleted), (data, condition)) ->
        let state = stateOf log deleted
        match AppendGuard.ofGroup (group [ request (propose 100 [ data ]) condition ]) with
        | ValueSome guard -> AppendGuard.holds state guard = (AppendCondition.evaluate state condition = Ok())
        | ValueNone -> false)

[<Property(MaxTest = 500)>]
let ``when a group's guard holds, decideGroup writes every member as the plain appends the store writes`` () =
    let members =
        Gen.choose (1, 5)
        |> Gen.bind (fun n ->
            Gen.listOfLength n (Gen.zip (Gen.choose (1, 2) |> Gen.bind (fun k -> Gen.listOfLength k genEventData))
                                        (Gen.frequency [ 4, genGuardable; 1, genCondition 15 ])))
    Prop.forAll (Arb.fromGen (Gen.zip3 genLog genDeleted members)) (fun (log, deleted, members) ->
        let requests = members |> List.mapi (fun i (events, condition) -> request (propose (100 + 10 * i) events) condition)
        // Now and then a member repeats an earlier one (its ids with it): that group has no guard.
        let requests = requests |> List.mapi (fun i r -> if i > 0 && i % 3 = 0 then requests.[i - 1] else r)
        let state = stateOf log deleted
        match AppendGuard.ofGroup (group requests) with
        | ValueSome guard when AppendGuard.holds state guard ->
            let decided = Append.decideGroup state DateTimeOffset.UnixEpoch (group requests)
            let plain = Append.decideGroup state DateTimeOffset.UnixEpoch (group (requests |> List.map (fun r -> { r with Condition = NoCondition })))
            decided.Decisions |> Array.forall (function Ok(Write _) -> true | _ -> false)
            && decided.Write = plain.Write
        | _ -> true)

let private event stream (tags: Tag list) = { Type = "Paid"; Tags = Array.ofList tags; Stream = stream; Body = "{}"; SchemaVersion = 1 }

[<Property>]
let ``a group whose member depends on an earlier member's write, repeats an id, carries a checkpoint or writes nothing has no guard, and shared checks are asked once`` () =
    let first = request (propose 100 [ event "order-1" [ "customer:1" ] ]) NoCondition
    let unguarded =
        [ [ first; request (propose 110 [ event "order-2" [] ]) (AppendCondition.Expect("order-1", ExpectedVersion.NoStream)) ]
          [ first; request (propose 110 [ event null [] ]) (FailIfEventsMatch(EventQuery.OfTags "customer:1", 0L)) ]
          [ first; request (propose 110 [ event null [] ]) (FailIfEventsMatch(EventQuery.All, 0L)) ]
          [ { first with Condition = FailIfEventsMatch(EventQuery.OfTags "customer:1", 0L) }
            request (propose 110 [ event null [] ]) (FailIfEventsMatch(EventQuery.OfTags "customer:1", 0L)) ]
          [ first; first ]
          [ { first with Checkpoint = Some { Processor = "p"; Position = 1L; FencingToken = 1L } } ]
          [ request [||] (AppendCondition.Expect("order-1", ExpectedVersion.NoStream)) ]
          [ request (propose 100 [ event null [] ]) (Predicate(EventQuery.All, (fun _ -> true), "always")) ] ]
    let guarded =
        [ first; request (propose 110 [ event "order-2" [ "customer:2" ] ])
                     (All [ AppendCondition.Expect("order-2", ExpectedVersion.NoStream); FailIfEventsMatch(EventQuery.OfTags "customer:2", 0L) ]) ]
    let marker = FailIfEventsMatch(EventQuery.OfTags "migration:order", 3L)
    let sharing = [ { first with Condition = marker }; request (propose 110 [ event "order-2" [] ]) marker ]
    (unguarded |> List.forall (fun g -> (AppendGuard.ofGroup (group g)).IsNone))
    && (AppendGuard.ofGroup (group guarded)).IsSome
    && (AppendGuard.ofGroup (group sharing)) = ValueSome { Streams = [||]; NothingMatching = [| struct (EventQuery.OfTags "migration:order", 3L) |] }
