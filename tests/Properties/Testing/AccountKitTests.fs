// The test kit as a user meets it, on a domain written from the README alone (Accounts): properties of the decider
// with the kit's generators, scenarios of refused, unauthorized and conflicting commands on the definitions and the
// in-memory store, and a cron task firing at its local instants across a daylight-saving change.
module Hybrid.Tests.Properties.Testing.AccountKitTests

open System
open FsCheck.FSharp
open Xunit
open Hybrid
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Accounts

let private accounts = Gen.elements [ "a1"; "a2" ]
let private amounts = Gen.choose (-5, 60)

let private commands =
    Gen.oneof
        [ Gen.map Open accounts
          Gen.map2 (fun a n -> Deposit(a, n)) accounts amounts
          Gen.map2 (fun a n -> Withdraw(a, n)) accounts amounts ]

let private states = Generators.statesOf decider commands

let private tom = Scenario.caller "tom" [ "teller" ]
let private opened = { codec.Encode(Opened "a1") with Stream = "account-a1" }
let private deposited n = { codec.Encode(Deposited("a1", n)) with Stream = "account-a1" }
let private everywhere scenario = (Scenario.verifyEverywhere [ Stores.inMemory ] scenario).GetAwaiter().GetResult()

[<Fact>]
let ``any sequence of account commands keeps every balance at zero or above`` () =
    Prop.forAll (FsCheck.FSharp.Arb.fromGen states) (fun state -> state.Balance >= 0)
    |> Law.create "no balance below zero" "decider 'account'"
    |> Law.verify
    Laws.decideIsTotal "account" decider states commands |> Law.verify

[<Fact>]
let ``the balance invariant property catches an overdraft bug and reports the shrunk case`` () =
    let buggy = deciderWith 30
    let error =
        Assert.ThrowsAny<exn>(fun () ->
            Prop.forAll (FsCheck.FSharp.Arb.fromGen (Generators.statesOf buggy commands)) (fun state -> state.Balance >= 0)
            |> Law.create "no balance below zero" "decider 'account'"
            |> Law.verify)
    Assert.Contains("no balance below zero", error.Message)
    Assert.Contains("Replay with seed", error.Message)

[<Fact>]
let ``a withdrawal beyond the balance is rejected with its code, on the definitions and the store`` () =
    Scenario.named "overdrawing"
    |> Scenario.given [ opened; deposited 10 ]
    |> Scenario.whenCommand registry tom "Withdraw" (Withdraw("a1", 11))
    |> Scenario.thenRejected "insufficient-funds"
    |> everywhere

[<Fact>]
let ``a deposit to an account never opened is not found, and a wrong rejection code fails the scenario`` () =
    Scenario.named "depositing to nothing"
    |> Scenario.whenCommand registry tom "Deposit" (Deposit("a1", 5))
    |> Scenario.thenNotFound
    |> everywhere
    let failure =
        Scenario.named "expecting another code"
        |> Scenario.given [ opened; deposited 10 ]
        |> Scenario.whenCommand registry tom "Withdraw" (Withdraw("a1", 11))
        |> Scenario.thenRejected "closed"
        |> Scenario.tryVerify
    Assert.True(failure.IsSome, "a rejection with another code must fail the scenario")
    Assert.Contains("insufficient-funds", failure.Value)

[<Fact>]
let ``anonymous callers and callers without the teller role are unauthorized`` () =
    for caller in [ Scenario.anonymous; Scenario.caller "vic" [ "auditor" ] ] do
        Scenario.named $"a deposit by '{caller.Actor}'"
        |> Scenario.given [ opened ]
        |> Scenario.whenCommand registry caller "Deposit" (Deposit("a1", 5))
        |> Scenario.thenUnauthorized
        |> everywhere

[<Fact>]
let ``a withdrawal conflicts with a concurrent withdrawal on its account but not with one on another account`` () =
    Scenario.named "two withdrawals racing"
    |> Scenario.given [ opened; deposited 10 ]
    |> Scenario.whenCommand registry tom "Withdraw" (Withdraw("a1", 10))
    |> Scenario.concurrently [ { codec.Encode(Withdrawn("a1", 10)) with Stream = "account-a1" } ]
    |> Scenario.thenConflict
    |> everywhere
    Scenario.named "a withdrawal beside a deposit elsewhere"
    |> Scenario.given [ opened; deposited 10 ]
    |> Scenario.whenCommand registry tom "Withdraw" (Withdraw("a1", 10))
    |> Scenario.concurrently [ { codec.Encode(Deposited("a2", 1)) with Stream = "account-a2" } ]
    |> Scenario.thenEvents [ { codec.Encode(Withdrawn("a1", 10)) with Stream = "account-a1" } ]
    |> everywhere

[<Fact>]
let ``a 09:00 Paris task fires at 08:00 UTC before the spring change and 07:00 UTC after it`` () =
    let from = DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero)
    Scenario.named "statements over the daylight-saving weekend"
    |> Scenario.given [ opened ]
    |> Scenario.whenScheduled (statements.WithMissedFires(CatchUp 10)) from (from.AddDays 3.0)
    |> Scenario.thenFires
        [ DateTimeOffset(2026, 3, 28, 8, 0, 0, TimeSpan.Zero)
          DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.Zero)
          DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero) ]
    |> everywhere

[<Fact>]
let ``a task for all tenants fires for a scenario's tenant only once it has events, as for a tenant the catalogue does not know`` () =
    let from = DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero)
    let upTo = DateTimeOffset(2026, 3, 28, 8, 0, 30, TimeSpan.Zero)
    Scenario.named "statements for a tenant with no events"
    |> Scenario.whenScheduled statements from upTo
    |> Scenario.thenFires []
    |> everywhere
    Scenario.named "statements for a tenant with an account"
    |> Scenario.given [ opened ]
    |> Scenario.whenScheduled statements from upTo
    |> Scenario.thenFires [ DateTimeOffset(2026, 3, 28, 8, 0, 0, TimeSpan.Zero) ]
    |> everywhere
