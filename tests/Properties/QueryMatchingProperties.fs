// Query matching: the core's rule (EventQuery.matches / select) against the plain specification, and its laws.
module Hybrid.Tests.Properties.QueryMatchingProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

let private logAndQuery =
    gen {
        let! log = genLog
        let! query = genQuery log.Length
        return log, query
    }
    |> Arb.fromGen

let private ids (events: RecordedEvent seq) = events |> Seq.map (fun e -> e.Id) |> List.ofSeq

[<Property>]
let ``matches agrees with the specification`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        log |> Array.forall (fun e -> EventQuery.matches query e = Specification.matches query e))

[<Property>]
let ``select agrees with the specification`` () =
    Prop.forAll logAndQuery (fun (log, query) -> ids (EventQuery.select query log) = ids (Specification.select query log))

[<Property>]
let ``matching by type and tags ignores positions`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        log
        |> Array.forall (fun e ->
            EventQuery.matchesTypeAndTags query e.Type e.Tags = Specification.matches { query with After = 0L; Before = System.Int64.MaxValue } e))

[<Property>]
let ``a backward read is the forward read reversed`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let unlimited = { query with Limit = 0 }
        let backward = ids (EventQuery.select { unlimited with Direction = Direction.Backward } log)
        let forward = ids (EventQuery.select { unlimited with Direction = Direction.Forward } log)
        backward = List.rev forward)

[<Property>]
let ``a limited read is a prefix of the unlimited one`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let all = ids (EventQuery.select { query with Limit = 0 } log)
        let limited = ids (EventQuery.select query log)
        limited.Length = (if query.Limit = 0 then all.Length else min query.Limit all.Length)
        && limited = List.truncate limited.Length all)

[<Property>]
let ``a query of several items reads the union of its items in position order`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        query.Items.Length > 0
        ==> lazy
            (let union =
                query.Items
                |> Array.collect (fun item -> EventQuery.select { query with Items = [| item |]; Limit = 0; Direction = Direction.Forward } log)
                |> Array.distinctBy (fun e -> e.Id)
                |> Array.sortBy (fun e -> e.Position)
             ids (EventQuery.select { query with Limit = 0; Direction = Direction.Forward } log) = ids union))

[<Property>]
let ``an item without types or tags matches every event in range`` () =
    Prop.forAll logAndQuery (fun (log, query) ->
        let everything = { query with Items = Array.append query.Items [| { Types = [||]; Tags = [||] } |] }
        ids (EventQuery.select everything log) = ids (EventQuery.select { query with Items = [||] } log))

[<Property>]
let ``adding a tag to an item narrows what it matches`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genLog (Gen.zip genQueryItem (Gen.elements tags)))) (fun (log, (item, tag)) ->
        let wide = EventQuery.select (EventQuery.Of item) log
        let narrow = EventQuery.select (EventQuery.Of { item with Tags = Array.append item.Tags [| tag |] }) log
        narrow |> Array.forall (fun e -> Array.contains e wide && e.HasTag tag))

[<Property>]
let ``the convenience builders set exactly what they name`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.choose (0, 50)) (Gen.choose (0, 9)))) (fun (after, limit) ->
        let q = EventQuery.OfTypes("A", "B").AfterPosition(int64 after).Take(limit).Backwards()
        q.Items = [| { Types = [| "A"; "B" |]; Tags = [||] } |]
        && q.After = int64 after
        && q.Limit = limit
        && q.Direction = Direction.Backward
        && q.Before = System.Int64.MaxValue)
