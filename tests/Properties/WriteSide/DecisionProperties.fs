// Decisions are total: any command against any state yields a value; deciders keep their invariants.
module Hybrid.Tests.Properties.WriteSide.DecisionProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.TestDomain
open Hybrid.Tests.Properties.WriteSide.WriteSideGenerators

/// The time decisions are given.
let private now = System.DateTimeOffset(2026, 6, 1, 8, 0, 0, System.TimeSpan.Zero)

let private at (caller: Caller) = DecisionContext.Of(caller, now)

let private anyone = at { Tenant = "t1"; Actor = "a"; Roles = [||]; CorrelationId = "" }

let private streamsIn = [ "counter-a"; "counter-b"; "customer-a"; "account-a"; "account-b"; "counter2-a" ]

/// Any command definition, any payload, any caller, any log.
let private scenario =
    gen {
        let! command = Gen.elements allCommands
        let! payload = genPayload
        let! caller = genCaller
        let! log = genDomainLog streamsIn
        return command, payload, caller, log
    }
    |> Arb.fromGen

[<Property(MaxTest = 500)>]
let ``every command parses, authorizes, looks up and decides to a value for any payload, caller and log`` () =
    Prop.forAll scenario (fun (command, payload, caller, log) ->
        match command.Parse payload with
        | Error e -> not (System.String.IsNullOrEmpty e.Field)
        | Ok parsed ->
            let _ = command.Check(caller, parsed)
            let lookup = command.LookupFor parsed
            match command.Run(at caller, parsed, lookedUpFrom log lookup) with
            | CommandDecision.Accept(events, _) -> events |> List.forall (fun e -> List.contains e.Type command.Emits || command.Emits.IsEmpty)
            | CommandDecision.Reject r -> not (System.String.IsNullOrEmpty r.Code)
            | CommandDecision.NotFound what -> not (System.String.IsNullOrEmpty what))

[<Property(MaxTest = 300)>]
let ``every query parses and answers to a value for any payload, caller and events`` () =
    let queries = WriteSide.queries WriteSideCatalog.registry
    let arb = Gen.zip3 (Gen.elements queries) (Gen.zip genPayload genCaller) (genDomainLog streamsIn) |> Arb.fromGen
    Prop.forAll arb (fun (query, (payload, caller), log) ->
        match query.Parse payload with
        | Error _ -> true
        | Ok parsed ->
            let reads = query.ReadsFor parsed
            let views =
                reads.Views
                |> List.map (fun v -> { Model = v.Model; Tenant = "t1"; Scope = v.Scope; State = null; Position = 0L })
            let events = match reads.Events with Some q -> EventQuery.select q log | None -> [||]
            match query.Run(caller, parsed, { Views = views; Events = events }) with
            | QueryAnswer.Found _ | QueryAnswer.NotFound _ -> true)

let private genCounterCommand =
    gen {
        let! by = Gen.choose (-3, 60)
        let adjust: Counter.Adjusted = { CounterId = "a"; By = by }
        return! Gen.elements [ Counter.Increment adjust; Counter.Decrement adjust ]
    }

[<Property>]
let ``a counter stays between zero and its maximum whatever commands it is given`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf genCounterCommand)) (fun commands ->
        let final =
            commands
            |> List.fold (fun state c -> match Decider.run Counter.decider anyone c state with Ok(_, next) -> next | Error _ -> state) Counter.decider.Initial
        final.Total >= 0 && final.Total <= Counter.Max)

[<Property>]
let ``a rejected counter command changes nothing and an accepted one is reproduced by folding its events`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.listOf genCounterCommand) genCounterCommand)) (fun (history, command) ->
        let state = history |> List.fold (fun s c -> match Decider.run Counter.decider anyone c s with Ok(_, n) -> n | Error _ -> s) Counter.decider.Initial
        match Counter.decider.Decide anyone command state with
        | Ok events -> Decider.run Counter.decider anyone command state = Ok(events, List.fold Counter.evolve state events)
        | Error _ -> Decider.run Counter.decider anyone command state |> Result.isError)

[<Property>]
let ``a transfer conserves the money of the two accounts`` () =
    let arb =
        gen {
            let! a = Gen.choose (0, 50)
            let! b = Gen.choose (0, 50)
            let! amount = Gen.choose (-5, 80)
            let! openA = Gen.elements [ true; false ]
            return a, b, amount, openA
        }
        |> Arb.fromGen
    Prop.forAll arb (fun (a, b, amount, openA) ->
        let states =
            Map.ofList [ Accounts.streamOf "a", { Accounts.State.Open = openA; Accounts.State.Balance = a }
                         Accounts.streamOf "b", { Accounts.State.Open = true; Accounts.State.Balance = b } ]
        match Accounts.decideTransfer { TransferId = "t"; From = "a"; To = "b"; Amount = amount } states with
        | Ok events ->
            let after =
                events |> List.fold (fun (m: Map<string, Accounts.State>) (s, e) -> m.Add(s, Accounts.evolve m.[s] e)) states
            after.[Accounts.streamOf "a"].Balance + after.[Accounts.streamOf "b"].Balance = a + b
            && after.[Accounts.streamOf "a"].Balance >= 0
        | Error _ -> not openA || amount <= 0 || amount > a)

[<Property>]
let ``no two customers are registered with one email address in any sequence of registrations`` () =
    let genRegister =
        gen {
            let! id = Gen.elements ids
            let! email = Gen.elements emails
            return Customers.Register { CustomerId = id; Email = email; Name = "N" }
        }
    Prop.forAll (Arb.fromGen (Gen.listOf genRegister)) (fun commands ->
        let final =
            commands
            |> List.fold (fun s c -> match Decider.run Customers.decider anyone c s with Ok(_, n) -> n | Error _ -> s) Customers.decider.Initial
        let byEmail = final.Registrations |> List.countBy (fun r -> Customers.emailTag r.Email)
        let byId = final.Registrations |> List.countBy (fun r -> r.CustomerId)
        byEmail |> List.forall (fun (_, n) -> n = 1) && byId |> List.forall (fun (_, n) -> n = 1))

[<Property>]
let ``parsing any text gives a value or an error naming a field, never an exception`` (text: string) =
    match JsonPayload.parse<Counter.Adjusted> text with
    | Ok _ -> true
    | Error e -> not (System.String.IsNullOrEmpty e.Field)

[<Xunit.Fact>]
let ``a stored registration whose body lacks its email does not crash a registration decision`` () =
    // Found by the totality property: a "{}" CustomerRegistered body decoded to a registration with a null email.
    let broken = Hybrid.Tests.Properties.Generators.record "t1" [ EventData.Tagged("CustomerRegistered", "{}", "email:x@y.org") ] |> List.toArray
    let parsed = match Customers.register.Parse """{"customerId":"a","email":"x@y.org","name":"A"}""" with Ok c -> c | Error e -> failwith e.Message
    let looked = lookedUpFrom broken (Customers.register.LookupFor parsed)
    match Customers.register.Run(at { Tenant = "t1"; Actor = "a"; Roles = [| "admin" |]; CorrelationId = "" }, parsed, looked) with
    | CommandDecision.Accept(events, _) -> Xunit.Assert.Single events |> ignore
    | other -> failwith $"Expected the registration to be accepted, got {other}"
