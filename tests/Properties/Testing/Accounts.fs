// A user's own small domain, written from the README alone, for testing the kit as a user would: bank accounts
// (open, deposit, withdraw; never below zero), a balances read model, a daily statement task at 09:00 Paris time,
// and the simulated application with its invariants and a planted overdraft bug.
module Hybrid.Tests.Properties.Testing.Accounts

open System
open Hybrid
open Hybrid.Simulation

type Command =
    | Open of accountId: string
    | Deposit of accountId: string * amount: int
    | Withdraw of accountId: string * amount: int

type Event =
    | Opened of accountId: string
    | Deposited of accountId: string * amount: int
    | Withdrawn of accountId: string * amount: int

type State = { IsOpen: bool; Balance: int }

let private body (accountId: string) (amount: int) = {| accountId = accountId; amount = amount |}

let codec: EventCodec<Event> =
    EventCodec.create [ "Opened"; "Deposited"; "Withdrawn" ]
        (function
         | Opened a -> "Opened", box {| accountId = a |}
         | Deposited(a, n) -> "Deposited", box (body a n)
         | Withdrawn(a, n) -> "Withdrawn", box (body a n))
        (fun eventType json ->
            let read = JsonPayload.tryRead<{| accountId: string; amount: int option |}> json
            match eventType, read with
            | "Opened", Some r -> Some(Opened r.accountId)
            | "Deposited", Some r -> Some(Deposited(r.accountId, defaultArg r.amount 0))
            | "Withdrawn", Some r -> Some(Withdrawn(r.accountId, defaultArg r.amount 0))
            | _ -> None)

let evolve (s: State) (e: Event) =
    match e with
    | Opened _ -> { s with IsOpen = true }
    | Deposited(_, n) -> { s with Balance = s.Balance + n }
    | Withdrawn(_, n) -> { s with Balance = s.Balance - n }

/// The decision, with the overdraft a withdrawal may dig (0 for the real rule; the planted bug allows some).
let decideWith (overdraft: int) (_: DecisionContext) (command: Command) (s: State) =
    match command with
    | Open _ when s.IsOpen -> Error(Rejection.create "already-open" "The account is already open.")
    | Open a -> Ok [ Opened a ]
    | Deposit _
    | Withdraw _ when not s.IsOpen -> Error(Rejection.notFound "The account")
    | Deposit(_, n)
    | Withdraw(_, n) when n <= 0 -> Error(Rejection.create "invalid-amount" "The amount must be positive.")
    | Deposit(a, n) -> Ok [ Deposited(a, n) ]
    | Withdraw(_, n) when n > s.Balance + overdraft -> Error(Rejection.create "insufficient-funds" "Not enough money.")
    | Withdraw(a, n) -> Ok [ Withdrawn(a, n) ]

let deciderWith overdraft = { Initial = { IsOpen = false; Balance = 0 }; Evolve = evolve; Decide = decideWith overdraft }
let decider = deciderWith 0

let accountOf =
    function
    | Open a
    | Deposit(a, _)
    | Withdraw(a, _) -> a

let streamOf (c: Command) = $"account-{accountOf c}"

let private commandsOf (decider: Decider<Command, Event, State>) =
    [ "Open"; "Deposit"; "Withdraw" ]
    |> List.map (fun name ->
        Command.ofDecider name "account" decider codec streamOf
        |> Command.authorize (fun caller (_: Command) -> Authorize.inRole "teller" caller ()))

/// The balances read model: account → balance.
let balances =
    ReadModel.ofRecorded "balances" 1 codec.EventTypes Map.empty<string, int> (fun view e ->
        match codec.Decode e with
        | Some(Deposited(a, n)) -> view |> Map.add a (defaultArg (Map.tryFind a view) 0 + n)
        | Some(Withdrawn(a, n)) -> view |> Map.add a (defaultArg (Map.tryFind a view) 0 - n)
        | Some(Opened a) -> view |> Map.add a (defaultArg (Map.tryFind a view) 0)
        | None -> view)

/// A statement every day at 09:00 in Paris (08:00 UTC in winter, 07:00 UTC in summer).
let statements = PeriodicTask.Create("statements", Schedule.CronIn("0 9 * * *", "Europe/Paris"), fun _ -> [||])

let registryWith decider =
    commandsOf decider
    |> List.fold (fun r c -> WriteSide.addCommand c r) Registry.empty
    |> WriteSide.addDecider "account" codec
    |> Runtime.addReadModel balances
    |> Runtime.addPeriodicTask statements

let registry = registryWith decider

let teller = { Name = "tom"; Roles = [| "teller" |] }
let visitor = { Name = "vic"; Roles = [||] }

let request (command: Command) =
    let name = match command with Open _ -> "Open" | Deposit _ -> "Deposit" | Withdraw _ -> "Withdraw"
    { Command = name; Payload = box command; Text = $"{name} {command}" }

/// A workload over four accounts: opens, deposits and withdrawals large enough to be refused often.
let nextCommand (choose: IChooser) (_: SimulatedUser) =
    let account = $"a{choose.Next 4 + 1}"
    match choose.Next 10 with
    | 0 -> request (Open account)
    | n when n < 5 -> request (Deposit(account, choose.Next 50 + 1))
    | _ -> request (Withdraw(account, choose.Next 80 + 1))

let applicationWith decider: SimulatedApplication =
    { Name = "accounts"
      Registry = registryWith decider
      Processors = []
      ProcessManagers = []
      PeriodicTasks = [ statements ]
      EffectKinds = []
      Users = [ teller; visitor ]
      NextCommand = nextCommand }

let application = applicationWith decider

/// The planted bug: withdrawals may dig 30 below zero.
let overdrawing = applicationWith (deciderWith 30)

/// The balance of each account, folded from the log.
let balancesOf (log: RecordedEvent[]) =
    log |> Array.choose codec.Decode |> Array.fold (fun (m: Map<string, int>) e ->
        match e with
        | Opened a -> m |> Map.add a (defaultArg (Map.tryFind a m) 0)
        | Deposited(a, n) -> m |> Map.add a (defaultArg (Map.tryFind a m) 0 + n)
        | Withdrawn(a, n) -> m |> Map.add a (defaultArg (Map.tryFind a m) 0 - n)) Map.empty

let noAccountBelowZero =
    Invariant.ofLog "no account goes below zero" (fun tenant log ->
        [ for KeyValue(a, b) in balancesOf log do
              if b < 0 then $"Tenant '{tenant}': account '{a}' is at {b}." ])

let readModelMatchesLog =
    Invariant.create "the balances read model equals the log's balances" (fun input ->
        let shown = input.StateOf<Map<string, int>> "balances"
        let folded = balancesOf input.Log
        if shown = folded then [] else [ $"Tenant '{input.Tenant}': the read model shows {shown} but the log folds to {folded}." ])

let invariants = [ noAccountBelowZero; readModelMatchesLog ]
