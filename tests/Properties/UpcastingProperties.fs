// Upcaster chaining: upcasters apply in schema order whatever their registration order, each once, and nothing else changes.
module Hybrid.Tests.Properties.UpcastingProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid

let private eventAt (eventType: string) (schema: int) =
    { Id = Guid.Empty
      Tenant = "t1"
      Position = 1L
      Stream = "s"
      StreamVersion = 1L
      Type = eventType
      Tags = [||]
      Content = EventBody.OfText "v"
      SchemaVersion = schema
      Metadata = EventMetadata.Empty
      Timestamp = DateTimeOffset.UnixEpoch }

/// The upcaster from schema v to v + 1 of "T": appends its schema version to the body, so order is visible.
let private marking (schema: int) =
    { EventType = "T"
      SchemaVersion = schema
      Produces = []
      Upcast = fun e -> [ { e with Content = EventBody.OfText $"{e.Body}>{schema}"; SchemaVersion = schema + 1 } ] }

/// A chain of 1 to 6 upcasters in a shuffled registration order, and a stored schema version to start from.
let private chainAndStart =
    gen {
        let! length = Gen.choose (1, 6)
        let! registered = Gen.shuffle [ for v in 1..length -> marking v ]
        let! start = Gen.choose (1, length + 2)
        return length, List.ofArray registered, start
    }
    |> Arb.fromGen

[<Property>]
let ``upcasters apply in schema order from the stored version to the newest`` () =
    Prop.forAll chainAndStart (fun (length, registered, start) ->
        let applied = Upcasting.chain registered (eventAt "T" start)
        let expectedBody = "v" + String.Join("", [ for v in start..length -> $">{v}" ])
        applied.Body = expectedBody && applied.SchemaVersion = max start (length + 1))

[<Property>]
let ``upcasting is idempotent once an event is current`` () =
    Prop.forAll chainAndStart (fun (_, registered, start) ->
        let applied = Upcasting.chain registered
        let once = applied (eventAt "T" start)
        applied once = once)

[<Property>]
let ``events of other types pass unchanged`` () =
    Prop.forAll chainAndStart (fun (_, registered, start) ->
        let other = eventAt "U" start
        Upcasting.chain registered other = other)

[<Property>]
let ``a type changing upcaster hands the event to the new type's chain`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 4))) (fun renameAt ->
        let rename = { EventType = "Old"; SchemaVersion = renameAt; Produces = [ "New" ]; Upcast = fun e -> [ { e with Type = "New"; SchemaVersion = renameAt + 1 } ] }
        let next = { EventType = "New"; SchemaVersion = renameAt + 1; Produces = []; Upcast = fun e -> [ { e with Content = EventBody.OfText "upgraded"; SchemaVersion = renameAt + 2 } ] }
        let result = Upcasting.chain [ next; rename ] (eventAt "Old" renameAt)
        result.Type = "New" && result.Body = "upgraded" && result.SchemaVersion = renameAt + 2)

[<Property>]
let ``an upcaster that forgets to raise the schema version still ends the chain`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let forgetful = { EventType = "T"; SchemaVersion = schema; Produces = []; Upcast = fun e -> [ e.WithBody(e.Body + "!") ] }
        let result = Upcasting.chain [ forgetful ] (eventAt "T" schema)
        result.Body = "v!" && result.SchemaVersion = schema + 1)

[<Property>]
let ``the first upcaster registered for a schema wins and validation reports the duplicate`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let first = { EventType = "T"; SchemaVersion = schema; Produces = []; Upcast = fun e -> [ { e with Content = EventBody.OfText "first"; SchemaVersion = schema + 1 } ] }
        let second = { first with Upcast = fun e -> [ { e with Content = EventBody.OfText "second"; SchemaVersion = schema + 1 } ] }
        (Upcasting.chain [ first; second ] (eventAt "T" schema)).Body = "first"
        && Upcasting.validate [ first; second ] |> Result.isError
        && Upcasting.validate [ first ] = Ok())

[<Property>]
let ``no upcasters is the identity`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let e = eventAt "T" schema
        Upcasting.chain [] e = e)

// Splits, renames and widened queries and conditions: what stores and conditions see equals the upcast log.

let private renameCreated = Upcaster.Rename("Created", 1, "Opened", fun e -> e)

let private splitPaid =
    Upcaster.Split("Paid", 1, [| "Charged" |], fun e -> [| e.WithBody "paid"; { e with Type = "Charged"; Content = EventBody.OfText "charged" } |])

let private upcasters = [ renameCreated; splitPaid ]

let private parts = Upcasting.chainMany upcasters

/// The log as readers see it: each stored event replaced by its parts.
let private upcastLog (log: RecordedEvent[]) = log |> Array.collect (parts >> Array.ofList)

/// Queries by the names that exist after upcasting (an application's current names), over a log of the old ones.
let private currentQuery (maxPosition: int) =
    Generators.genQuery maxPosition
    |> Gen.map (fun q ->
        { q with Items = q.Items |> Array.map (fun i -> { i with Types = i.Types |> Array.map (function "Created" -> "Opened" | "Unknown" -> "Charged" | t -> t) }) })

[<Property>]
let ``every part of a stored event keeps its id position stream version and timestamp`` () =
    Prop.forAll (Arb.fromGen Generators.genLog) (fun log ->
        log |> Array.forall (fun e ->
            parts e |> List.forall (fun p -> p.Id = e.Id && p.Position = e.Position && p.StreamVersion = e.StreamVersion && p.Stream = e.Stream && p.Timestamp = e.Timestamp)))

[<Property>]
let ``a widened read upcast and filtered equals selecting from the upcast log`` () =
    let scenario = Generators.genLog |> Gen.bind (fun log -> currentQuery log.Length |> Gen.map (fun q -> log, { q with Limit = 0 })) |> Arb.fromGen
    Prop.forAll scenario (fun (log, query) ->
        let stored = EventQuery.select (Upcasting.widen upcasters query) log
        let viaStore = Upcasting.upcastPage parts query stored
        let reference = EventQuery.select query (upcastLog log)
        viaStore = reference)

[<Property>]
let ``a widened condition on the stored log decides as the condition on the upcast log`` () =
    let scenario =
        Generators.genLog
        |> Gen.bind (fun log ->
            let n = log.Length
            Gen.oneof
                [ Gen.map2 (fun q a -> FailIfEventsMatch(q, int64 a)) (currentQuery n) (Gen.choose (0, n + 1))
                  // Unlimited: a limit counts stored events over the store (as a read does) but parts over the upcast log.
                  Gen.map2 (fun q b -> AppendCondition.Predicate({ q with Limit = 0 }, (fun es -> es.Length < b), "bound")) (currentQuery n) (Gen.choose (0, 4)) ]
            |> Gen.map (fun c -> log, c))
        |> Arb.fromGen
    Prop.forAll scenario (fun (log, condition) ->
        let noStreams = fun (_: StreamId) -> struct (0L, false)
        let decide events c = AppendCondition.evaluate (AppendCondition.readerOfLog events noStreams) c |> Result.isOk
        decide log (Upcasting.widenCondition upcasters parts condition) = decide (upcastLog log) condition)

[<Property>]
let ``a widened predicate sees the parts of the first stored events of its query in its direction, at most its limit of them`` () =
    let scenario = Generators.genLog |> Gen.bind (fun log -> currentQuery log.Length |> Gen.map (fun q -> log, q)) |> Arb.fromGen
    Prop.forAll scenario (fun (log, query) ->
        let mutable seen = [||]
        let condition = Upcasting.widenCondition upcasters parts (AppendCondition.Predicate(query, (fun es -> seen <- es; true), "capture"))
        let noStreams = fun (_: StreamId) -> struct (0L, false)
        AppendCondition.evaluate (AppendCondition.readerOfLog log noStreams) condition |> ignore
        // The reference: the unlimited read in the query's direction, cut after `Limit` stored events (positions).
        let unlimited = Upcasting.upcastPage parts query (EventQuery.select { Upcasting.widen upcasters query with Limit = 0 } log)
        let kept = unlimited |> Array.map (fun e -> e.Position) |> Array.distinct
        let kept = if query.Limit > 0 then Array.truncate query.Limit kept else kept
        seen = (unlimited |> Array.filter (fun e -> Array.contains e.Position kept)))

[<Property>]
let ``origins follow renames transitively and stop at types nothing produces`` () =
    let chain =
        [ Upcaster.Rename("A", 1, "B", fun e -> e); Upcaster.Rename("B", 2, "C", fun e -> e); Upcaster.Rename("X", 1, "Y", fun e -> e) ]
    Upcasting.origins chain "C" = set [ "A"; "B"; "C" ] && Upcasting.origins chain "Y" = set [ "X"; "Y" ]
    && Upcasting.origins chain "A" = set [ "A" ]

[<Property>]
let ``an upcaster dropping an event removes it and a throwing one names the event`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let e = { eventAt "T" schema with Id = Guid.NewGuid() }
        let dropped = Upcasting.chainMany [ Upcaster.Split("T", schema, [||], fun _ -> [||]) ] e
        let failure =
            try
                Upcasting.chainMany [ Upcaster.Of("T", schema, fun _ -> failwith "bad body") ] e |> ignore
                None
            with :? UpcastFailedException as ex -> Some ex
        dropped.IsEmpty
        && (match failure with
            | Some ex -> ex.EventId = e.Id && ex.EventType = "T" && ex.SchemaVersion = schema && ex.Message.Contains "bad body"
            | None -> false))
