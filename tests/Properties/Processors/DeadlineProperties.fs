// Deadlines as events: the pending set a scheduler folds equals a plain model of schedules, cancels and firings;
// nothing is due before its time, anything past is due at once; a process manager only receives active deadlines.
module Hybrid.Tests.Properties.Processors.DeadlineProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

let private start = DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)

type private Op =
    | Schedule of key: string * name: string * minutes: int
    | Cancel of key: string * name: string
    | Fire of index: int

let private genOp =
    let key = Gen.elements [ "k1"; "k2" ]
    let name = Gen.elements [ "a"; "b" ]
    Gen.frequency
        [ 4, Gen.map3 (fun k n m -> Schedule(k, n, m)) key name (Gen.choose (-60, 600))
          2, Gen.map2 (fun k n -> Cancel(k, n)) key name
          2, Gen.choose (0, 20) |> Gen.map Fire ]

/// Runs the operations: the deadline events appended, the model's pending deadlines (slot -> scheduled index), and
/// the deadlines the instance itself still expects (its schedules not cancelled nor replaced, fired or not).
let private runWithExpected (ops: Op list) =
    let events = ResizeArray<RecordedEvent>()
    let scheduled = ResizeArray<RecordedEvent>()
    let mutable model: Map<string * string, int> = Map.empty
    let mutable expected: Map<string * string, int> = Map.empty
    let append (data: EventData) =
        let e = { (record "t1" [ data ]).[0] with Id = idOf (events.Count + 1); Position = int64 (events.Count + 1); Timestamp = start }
        events.Add e
        e
    for op in ops do
        match op with
        | Schedule(key, name, minutes) ->
            let e = append (Deadlines.scheduled "m" key { Name = name; DueAt = start.AddMinutes(float minutes); Payload = "" })
            scheduled.Add e
            model <- model.Add((key, name), scheduled.Count - 1)
            expected <- expected.Add((key, name), scheduled.Count - 1)
        | Cancel(key, name) ->
            append (Deadlines.cancelled "m" key name) |> ignore
            model <- model.Remove((key, name))
            expected <- expected.Remove((key, name))
        | Fire i when i < scheduled.Count ->
            let s = scheduled.[i]
            let index = events |> Seq.fold Deadlines.apply Deadlines.empty
            // A scheduler only fires what is pending; firing a stale one is the race the store's condition stops.
            match index.Pending.TryFind s.Id with
            | Some pending ->
                append (Deadlines.fired pending) |> ignore
                model <- model |> Map.filter (fun _ v -> v <> i)
            | None -> ()
        | Fire _ -> ()
    events.ToArray(), scheduled.ToArray(), model, expected

let private run ops =
    let events, scheduled, model, _ = runWithExpected ops
    events, scheduled, model

[<Property>]
let ``the pending deadlines folded from the events equal the model`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf genOp)) (fun ops ->
        let events, scheduled, model = run ops
        let index = events |> Array.fold Deadlines.apply Deadlines.empty
        let expected = model |> Map.toList |> List.map (fun (_, i) -> scheduled.[i].Id) |> set
        set (index.Pending |> Map.toList |> List.map fst) = expected)

[<Property>]
let ``a deadline is due exactly when its time has come and one in the past at once`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.listOf genOp) (Gen.choose (-120, 720)))) (fun (ops, minutes) ->
        let events, _, _ = run ops
        let index = events |> Array.fold Deadlines.apply Deadlines.empty
        let now = start.AddMinutes(float minutes)
        let due = Deadlines.due now index
        due |> List.forall (fun p -> p.DueAt <= now)
        && (index.Pending |> Map.forall (fun _ p -> p.DueAt > now || List.contains p due))
        && due = List.sortBy (fun p -> p.DueAt, p.ScheduledId) due)

[<Property>]
let ``a process manager receives a fired deadline only while the instance still expects it`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf genOp)) (fun ops ->
        let events, scheduled, _, expected = runWithExpected ops
        let own = events |> Array.filter (fun e -> Deadlines.isBookkeeping e.Type)
        let active = expected |> Map.toList |> List.map snd |> set
        scheduled
        |> Array.mapi (fun i s ->
            let manager, key = Deadlines.ownerOf s
            let pending = { ScheduledId = s.Id; Manager = manager; Key = key; Name = "a"; DueAt = start; Payload = "" }
            let firing = { (record "t1" [ Deadlines.fired pending ]).[0] with Timestamp = start }
            (ProcessManager.inputOf own firing).IsSome = active.Contains i)
        |> Array.forall id)
