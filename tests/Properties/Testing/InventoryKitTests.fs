// The kit as a second user meets it, on the warehouse of Inventory.fs: laws that must hold, laws that must catch a
// planted bug (with the seed and the shrunk case), and scenarios that behave the same on the pure definitions and the
// in-memory store for bad input, expected versions, decision time, a decider that throws and a wrong expectation.
module Hybrid.Tests.Properties.Testing.InventoryKitTests

open System
open FsCheck.FSharp
open Xunit
open Hybrid
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Inventory

let private skus = Gen.elements [ "a"; "b" ]
let private moves = Gen.map2 (fun sku quantity -> { Sku = sku; Quantity = quantity }) skus (Gen.choose (-2, 10))
let private stockCommands = Gen.oneof [ Gen.map Receive moves; Gen.map Ship moves ]
let private registrations = skus |> Gen.map (fun sku -> RegisterItem { Sku = sku; Name = $"item {sku}" })
let private everywhere scenario = (Scenario.verifyEverywhere [ Stores.inMemory ] scenario).GetAwaiter().GetResult()

let private failureOf scenario =
    let error = Assert.Throws<ScenarioFailedException>(fun () -> everywhere scenario)
    Assert.Contains("on the pure definitions", error.Message)
    Assert.Contains("on the in-memory store", error.Message)
    error.Message

[<Fact>]
let ``the warehouse keeps its laws: total, deterministic, never below zero, registration idempotent, codecs round trip`` () =
    let states = Generators.statesOf stock stockCommands
    Laws.decideIsTotal "stock" stock states stockCommands |> Law.verify
    Laws.decideIsDeterministic "stock" stock states stockCommands |> Law.verify
    Laws.keepsInvariant "stock" "never below zero" stock stockCommands (fun onHand -> onHand >= 0) |> Law.verify
    Laws.decideIsIdempotent "catalogue" catalogue (Generators.statesOf catalogue registrations) registrations |> Law.verify
    Laws.codecRoundTrips "stock" stockCodec (Generators.valuesOf ArbMap.defaults) |> Law.verify
    Laws.rebuildEqualsIncremental stockLevels (Gen.listOf (Generators.registeredEvents registry)) |> Law.verify

[<Fact>]
let ``keeps invariant catches a decider shipping more than it holds and shrinks the commands to the fewest`` () =
    // Ships 7 whatever it holds, once something was received: the fewest commands breaking the rule are two.
    let careless =
        { stock with
            Decide = fun context command onHand -> match command with Ship m when m.Quantity = 7 && onHand > 0 -> Ok [ Shipped m ] | _ -> decideStock context command onHand }
    let law = Laws.keepsInvariant "stock" "never below zero" careless stockCommands (fun onHand -> onHand >= 0)
    let report = Law.runWith (LawConfig.replay "(5, 3)" |> LawConfig.withTests 1000) law
    Assert.False(report.Passed, report.Message)
    Assert.True(report.Shrinks > 0, report.Message)
    Assert.Contains("breaks 'never below zero'", report.Reason)
    Assert.Equal(2, Text.RegularExpressions.Regex.Matches(report.Reason, "->").Count)
    Assert.Contains("Receive", report.Reason)
    Assert.Contains("Ship", report.Reason)

[<Fact>]
let ``decide is idempotent catches a registration that registers again`` () =
    let forgetful = { catalogue with Decide = fun _ (RegisterItem r) _ -> Ok [ Registered r ] }
    let report = Law.runWith LawConfig.defaults (Laws.decideIsIdempotent "catalogue" forgetful (Generators.statesOf forgetful registrations) registrations)
    Assert.False(report.Passed, report.Message)
    Assert.Contains("it wrote", report.Reason)

[<Fact>]
let ``a decider whose evolve throws while states are generated fails its law with the seed and the commands, not a bare exception`` () =
    let throwing = { stock with Evolve = fun onHand e -> match e with Shipped m when m.Quantity = 2 -> failwith "evolve boom" | _ -> evolveStock onHand e }
    let law () = Laws.decideIsTotal "stock" throwing (Generators.statesOf throwing stockCommands) stockCommands
    let report = Law.runWith (LawConfig.defaults |> LawConfig.withTests 1000) (law ())
    Assert.False(report.Passed, report.Message)
    Assert.Contains("Generating a case for the decider 'stock' failed: Evolving the state", report.Reason)
    Assert.Contains("threw Exception: evolve boom", report.Reason)
    Assert.Contains("Ship", report.CounterExample)
    Assert.Matches(@"^\(\d+, \d+\)$", report.Seed)
    // The seed replays the same failure.
    let again = Law.runWith (LawConfig.replay report.Seed |> LawConfig.withTests 1000) (law ())
    Assert.Equal(report.Reason, again.Reason)
    let error = Assert.Throws<LawFailedException>(fun () -> law () |> Law.verifyWith (LawConfig.defaults |> LawConfig.withTests 1000))
    Assert.Contains("Replay with seed", error.Message)

[<Fact>]
let ``one seed replays one counter-example and another seed gives another`` () =
    let law = Prop.forAll (Arb.fromGen (Gen.choose (0, 1_000_000))) (fun (_: int) -> false) |> Law.create "never" "nothing"
    let first = Law.runWith (LawConfig.replay "(17, 3)") law
    Assert.Equal(first.CounterExample, (Law.runWith (LawConfig.replay "(17, 3)") law).CounterExample)
    Assert.Equal("(17, 3)", first.Seed)
    Assert.NotEqual<string>(first.CounterExample, (Law.runWith (LawConfig.replay "(18, 3)") law).CounterExample)
    // A fresh run names a seed that replays it.
    let fresh = Law.run law
    Assert.Equal(fresh.CounterExample, (Law.runWith (LawConfig.replay fresh.Seed) law).CounterExample)

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

[<Fact>]
let ``a decider spec decides typed commands over typed events: events, rejections, state, caller and instant`` () =
    let move sku quantity = { Sku = sku; Quantity = quantity }
    DeciderSpec.on "shipping what is there" stock
    |> DeciderSpec.given [ Received(move "a" 5) ]
    |> DeciderSpec.whenCommand (Ship(move "a" 3))
    |> DeciderSpec.thenEvents [ Shipped(move "a" 3) ]
    |> DeciderSpec.verify
    DeciderSpec.on "what is left" stock
    |> DeciderSpec.given [ Received(move "a" 5) ]
    |> DeciderSpec.whenCommand (Ship(move "a" 3))
    |> DeciderSpec.thenState 2
    |> DeciderSpec.verify
    DeciderSpec.on "shipping more than there is" stock
    |> DeciderSpec.given [ Received(move "a" 5) ]
    |> DeciderSpec.whenCommand (Ship(move "a" 6))
    |> DeciderSpec.thenRejected "short"
    |> DeciderSpec.verify
    let stamper = { Initial = (); Evolve = (fun () _ -> ()); Decide = fun (context: DecisionContext) () () -> Ok [ context.Caller.Actor, context.Now ] }
    let midsummer = DateTimeOffset(2026, 6, 21, 12, 30, 0, TimeSpan.Zero)
    DeciderSpec.on "who and when" stamper
    |> DeciderSpec.by clara
    |> DeciderSpec.at midsummer
    |> DeciderSpec.whenCommand ()
    |> DeciderSpec.thenEvents [ "clara", midsummer ]
    |> DeciderSpec.verify

[<Fact>]
let ``a failing decider spec shows expected and decided events with the first difference, and a throwing evolve its line`` () =
    let move sku quantity = { Sku = sku; Quantity = quantity }
    let wrong =
        DeciderSpec.on "shipping three" stock
        |> DeciderSpec.given [ Received(move "a" 5) ]
        |> DeciderSpec.whenCommand (Ship(move "a" 3))
        |> DeciderSpec.thenEvents [ Shipped(move "a" 4) ]
        |> DeciderSpec.tryVerify
    Assert.True(wrong.IsSome)
    Assert.Contains("Decider spec 'shipping three': given 1 event(s), deciding", wrong.Value)
    Assert.Contains("First difference: value[0].Shipped.quantity: expected 4 but was 3.", wrong.Value)
    let rejected =
        DeciderSpec.on "shipping six" stock
        |> DeciderSpec.given [ Received(move "a" 5) ]
        |> DeciderSpec.whenCommand (Ship(move "a" 6))
        |> DeciderSpec.thenEvents [ Shipped(move "a" 6) ]
        |> DeciderSpec.tryVerify
    Assert.Contains("but it was rejected (short): Only 5 of 'a' on hand.", rejected.Value)
    let throwing = { stock with Evolve = fun _ _ -> raise (ArgumentException "evolve boom") }
    let error =
        Assert.Throws<ScenarioFailedException>(fun () ->
            DeciderSpec.on "a throwing evolve" throwing
            |> DeciderSpec.given [ Received(move "a" 5) ]
            |> DeciderSpec.whenCommand (Ship(move "a" 1))
            |> DeciderSpec.thenRejected ""
            |> DeciderSpec.verify)
    Assert.Contains("Decider spec 'a throwing evolve': folding the given events threw ArgumentException: evolve boom", error.Message)
    Assert.Contains("InventoryKitTests.fs:line", error.Message)

[<Fact>]
let ``a counter-example shows the context, the state and the command each on its own, not as a tuple's items`` () =
    let throwing = { stock with Decide = fun _ command _ -> match command with Ship m when m.Quantity = 3 -> failwith "boom" | _ -> Ok [] }
    let report = Law.runWith (LawConfig.replay "(5, 3)" |> LawConfig.withTests 1000) (Laws.decideIsTotal "stock" throwing (Generators.statesOf stock stockCommands) stockCommands)
    Assert.False(report.Passed, report.Message)
    Assert.DoesNotContain("item1", report.CounterExample)
    Assert.Contains("\"caller\"", report.CounterExample)
    Assert.Contains("\"Ship\"", report.CounterExample)

[<Fact>]
let ``decide is total in contexts with roles catches a decider that throws for one role`` () =
    let supervised =
        { stock with
            Decide = fun context command onHand ->
                if Array.contains "supervisor" context.Caller.Roles then invalidOp "supervisors are not handled" else decideStock context command onHand }
    let states = Generators.statesOf stock stockCommands
    let contexts = Generators.decisionContextsOf (Generators.callerIn "tenant-1" [ "clara" ] [ "clerk"; "supervisor" ])
    let report = Law.runWith (LawConfig.defaults |> LawConfig.withTests 1000) (Laws.decideIsTotalIn contexts "stock" supervised states stockCommands)
    Assert.False(report.Passed, report.Message)
    Assert.Contains("The decider 'stock' threw InvalidOperationException: supervisors are not handled", report.Reason)
    Assert.Contains("supervisor", report.CounterExample)
