// Given/when/then on a decider in its own typed events (DeciderSpec), on the warehouse of Inventory.fs.
module Hybrid.Tests.Properties.Testing.DeciderSpecTests

open System
open Xunit
open Hybrid
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Inventory

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
    Assert.Contains("DeciderSpecTests.fs:line", error.Message)
