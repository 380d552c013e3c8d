// The kit's scenarios as a second user meets them, on the warehouse of Inventory.fs: the same judgement on the pure
// definitions and the in-memory store for DCB uniqueness, bad input, expected versions, decision time, a decider that
// throws and a wrong expectation (which names the first difference).
module Hybrid.Tests.Properties.Testing.InventoryKitTests

open System
open Xunit
open Hybrid
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Inventory

let private everywhere scenario = (Scenario.verifyEverywhere [ Stores.inMemory ] scenario).GetAwaiter().GetResult()

let private failureOf scenario =
    let error = Assert.Throws<ScenarioFailedException>(fun () -> everywhere scenario)
    Assert.Contains("on the pure definitions", error.Message)
    Assert.Contains("on the in-memory store", error.Message)
    error.Message

[<Fact>]
let ``a SKU is registered once: a second registration is rejected and a racing one conflicts`` () =
    Scenario.named "a second registration"
    |> Scenario.given [ registered "a" ]
    |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = "a"; Name = "again" })
    |> Scenario.thenRejected "sku-taken"
    |> everywhere
    Scenario.named "a racing registration"
    |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = "a"; Name = "mine" })
    |> Scenario.concurrently [ registered "a" ]
    |> Scenario.thenConflict
    |> everywhere
    Scenario.named "the stock query"
    |> Scenario.given [ received "a" 5; shipped "a" 2 ]
    |> Scenario.whenQuery registry clara "stock-of" ({ Sku = "a" }: StockOf)
    |> Scenario.thenState (box 3)
    |> everywhere

[<Fact>]
let ``invalid input is invalid on the pure definitions as on the store, naming the field`` () =
    Scenario.named "an empty SKU"
    |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = " "; Name = "x" })
    |> Scenario.thenInvalid "sku"
    |> everywhere
    Scenario.named "a null command"
    |> Scenario.whenCommand registry clara "Receive" null
    |> Scenario.thenInvalid "body"
    |> everywhere
    Scenario.named "a null query"
    |> Scenario.whenQuery registry clara "stock-of" null
    |> Scenario.thenInvalid "body"
    |> everywhere
    Scenario.named "a caller with a bad actor"
    |> Scenario.whenCommand registry { clara with Actor = String('x', 201) } "Receive" (Receive { Sku = "a"; Quantity = 1 })
    |> Scenario.thenInvalid "actor"
    |> everywhere

[<Fact>]
let ``what the stores refuse to read or write is invalid on the pure definitions too`` () =
    let long = String('x', 300)
    Scenario.named "a stream id over 200 characters"
    |> Scenario.whenCommand registry clara "Receive" (Receive { Sku = long; Quantity = 1 })
    |> Scenario.thenInvalid "stream"
    |> everywhere
    Scenario.named "a lookup tag over 200 characters"
    |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = long; Name = "x" })
    |> Scenario.thenInvalid "query.Items[0].Tags[0]"
    |> everywhere
    let badTags = { stockCodec with Encode = fun e -> { stockCodec.Encode e with Tags = [| "the sku:a" |] } }
    let tagging = Registry.empty |> WriteSide.addCommand (Command.ofDecider "Receive" "stock" stock badTags streamOf |> Command.authorize (fun _ _ -> Authorization.Allowed))
    Scenario.named "an event tag whose kind holds a space"
    |> Scenario.whenCommand tagging clara "Receive" (Receive { Sku = "a"; Quantity = 1 })
    |> Scenario.thenInvalid "events[0].Tags[0]"
    |> everywhere

[<Fact>]
let ``the wrong invalid field fails the scenario showing the same field and message on every target`` () =
    let message =
        Scenario.named "expecting another field"
        |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = ""; Name = "x" })
        |> Scenario.thenInvalid "name"
        |> failureOf
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(message, "refused as invalid, naming the field 'sku': The SKU is empty.").Count)

[<Fact>]
let ``an unknown command fails the scenario with the same sentence on every target`` () =
    let message =
        Scenario.named "an unknown command"
        |> Scenario.whenCommand registry clara "Nope" (box 1)
        |> Scenario.thenRejected ""
        |> failureOf
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(message, "the command 'Nope' is not registered").Count)

[<Fact>]
let ``a scenario refuses a tenant id the core refuses, naming the scenario`` () =
    let error = Assert.Throws<ArgumentException>(fun () -> Scenario.named "a bad tenant" |> Scenario.inTenant "bad tenant!" |> ignore)
    Assert.Contains("Scenario 'a bad tenant'", error.Message)
    Assert.Contains("'bad tenant!'", error.Message)
    Scenario.named "a tenant of 64 characters"
    |> Scenario.inTenant (String('t', 64))
    |> Scenario.given [ received "a" 1 ]
    |> Scenario.whenCommand registry clara "Ship" (Ship { Sku = "a"; Quantity = 1 })
    |> Scenario.thenEvents [ shipped "a" 1 ]
    |> everywhere

[<Fact>]
let ``an expected version the stream is not at is a version mismatch, and the right one writes`` () =
    let given = Scenario.named "shipping at a version" |> Scenario.given [ received "a" 5; shipped "a" 1 ]
    given
    |> Scenario.whenCommand registry clara "Ship" (Ship { Sku = "a"; Quantity = 1 })
    |> Scenario.expectingVersion (ExpectedVersion.Exact 1L)
    |> Scenario.thenVersionMismatch
    |> everywhere
    given
    |> Scenario.whenCommand registry clara "Ship" (Ship { Sku = "a"; Quantity = 1 })
    |> Scenario.expectingVersion (ExpectedVersion.Exact 2L)
    |> Scenario.thenEvents [ shipped "a" 1 ]
    |> everywhere
    Scenario.named "receiving into a new stream only"
    |> Scenario.given [ received "a" 5 ]
    |> Scenario.whenCommand registry clara "Receive" (Receive { Sku = "a"; Quantity = 1 })
    |> Scenario.expectingVersion ExpectedVersion.NoStream
    |> Scenario.thenVersionMismatch
    |> everywhere
    Scenario.named "an expected version on a command reading no stream"
    |> Scenario.whenCommand registry clara "RegisterItem" (RegisterItem { Sku = "a"; Name = "x" })
    |> Scenario.expectingVersion (ExpectedVersion.Exact 0L)
    |> Scenario.thenInvalid "expectedVersion"
    |> everywhere

type private Stamp = Stamp

type private Stamped = { At: DateTimeOffset }

[<Fact>]
let ``a decision sees the scenario's instant on the pure definitions and on the store`` () =
    let codec = EventCodec.create [ "Stamped" ] (fun (e: Stamped) -> "Stamped", box e) (fun _ json -> JsonPayload.tryRead<Stamped> json)
    let stamper = { Initial = (); Evolve = (fun () _ -> ()); Decide = fun (context: DecisionContext) Stamp () -> Ok [ { At = context.Now } ] }
    let stamping = Registry.empty |> WriteSide.addCommand (Command.ofDecider "Stamp" "stamp" stamper codec (fun _ -> "stamp-1") |> Command.authorize (fun _ _ -> Authorization.Allowed))
    let midsummer = DateTimeOffset(2026, 6, 21, 12, 30, 0, TimeSpan.Zero)
    Scenario.named "stamping at midsummer"
    |> Scenario.at midsummer
    |> Scenario.whenCommand stamping clara "Stamp" Stamp
    |> Scenario.thenEvents [ { codec.Encode { At = midsummer } with Stream = "stamp-1" } ]
    |> everywhere

[<Fact>]
let ``a wrong event fails the scenario naming the event and the body field that differ`` () =
    let message =
        Scenario.named "receiving three"
        |> Scenario.whenCommand registry clara "Receive" (Receive { Sku = "a"; Quantity = 3 })
        |> Scenario.thenEvents [ received "a" 4 ]
        |> failureOf
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(message, "First difference: event 1 \\(StockReceived\\), body.quantity: expected 4 but was 3.").Count)
    let missing =
        Scenario.named "expecting two events"
        |> Scenario.whenCommand registry clara "Receive" (Receive { Sku = "a"; Quantity = 3 })
        |> Scenario.thenEvents [ received "a" 3; received "a" 3 ]
        |> failureOf
    Assert.Contains("2 event(s) expected but 1 written; the first missing is event 2 (StockReceived).", missing)

[<Fact>]
let ``a decider that throws fails the scenario naming the command and the line of the user's code`` () =
    let throwing = { stock with Decide = fun _ _ _ -> raise (InvalidOperationException "boom in decide") }
    let broken = Registry.empty |> WriteSide.addCommand (Command.ofDecider "Ship" "stock" throwing stockCodec streamOf |> Command.authorize (fun _ _ -> Authorization.Allowed))
    let message =
        Scenario.named "a throwing decider"
        |> Scenario.whenCommand broken clara "Ship" (Ship { Sku = "a"; Quantity = 1 })
        |> Scenario.thenRejected ""
        |> failureOf
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(message, "the command 'Ship' threw InvalidOperationException: boom in decide").Count)
    Assert.Contains("InventoryKitTests.fs:line", message)

[<Fact>]
let ``a wrong view or answer fails the scenario naming the first entry that differs`` () =
    let message =
        Scenario.named "the stock levels"
        |> Scenario.given [ received "a" 5; received "b" 2; shipped "a" 2 ]
        |> Scenario.whenReadModel registry "stock-levels"
        |> Scenario.thenState (Map.ofList [ "a", 3; "b", 3 ])
        |> failureOf
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(message, "First difference: value.b: expected 3 but was 2.").Count)
    let answer =
        Scenario.named "the stock of a"
        |> Scenario.given [ received "a" 5 ]
        |> Scenario.whenQuery registry clara "stock-of" ({ Sku = "a" }: StockOf)
        |> Scenario.thenState (box 5L)
        |> failureOf
    Assert.Contains("First difference: the type: expected Int64 but was Int32.", answer)
