// The kit's laws on the warehouse of Inventory.fs: laws that hold, laws that catch a planted bug with the seed and the
// shrunk case, a definition throwing while cases are generated, seeds that replay, and callers with roles.
module Hybrid.Tests.Properties.Testing.InventoryLawTests

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
