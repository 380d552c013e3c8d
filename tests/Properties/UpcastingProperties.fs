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
      Body = "v"
      SchemaVersion = schema
      Metadata = EventMetadata.Empty
      Timestamp = DateTimeOffset.UnixEpoch }

/// The upcaster from schema v to v + 1 of "T": appends its schema version to the body, so order is visible.
let private marking (schema: int) =
    { EventType = "T"
      SchemaVersion = schema
      Produces = []
      Upcast = fun e -> [ { e with Body = $"{e.Body}>{schema}"; SchemaVersion = schema + 1 } ] }

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
        let next = { EventType = "New"; SchemaVersion = renameAt + 1; Produces = []; Upcast = fun e -> [ { e with Body = "upgraded"; SchemaVersion = renameAt + 2 } ] }
        let result = Upcasting.chain [ next; rename ] (eventAt "Old" renameAt)
        result.Type = "New" && result.Body = "upgraded" && result.SchemaVersion = renameAt + 2)

[<Property>]
let ``an upcaster that forgets to raise the schema version still ends the chain`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let forgetful = { EventType = "T"; SchemaVersion = schema; Produces = []; Upcast = fun e -> [ { e with Body = e.Body + "!" } ] }
        let result = Upcasting.chain [ forgetful ] (eventAt "T" schema)
        result.Body = "v!" && result.SchemaVersion = schema + 1)

[<Property>]
let ``the first upcaster registered for a schema wins and validation reports the duplicate`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let first = { EventType = "T"; SchemaVersion = schema; Produces = []; Upcast = fun e -> [ { e with Body = "first"; SchemaVersion = schema + 1 } ] }
        let second = { first with Upcast = fun e -> [ { e with Body = "second"; SchemaVersion = schema + 1 } ] }
        (Upcasting.chain [ first; second ] (eventAt "T" schema)).Body = "first"
        && Upcasting.validate [ first; second ] |> Result.isError
        && Upcasting.validate [ first ] = Ok())

[<Property>]
let ``no upcasters is the identity`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (1, 5))) (fun schema ->
        let e = eventAt "T" schema
        Upcasting.chain [] e = e)
