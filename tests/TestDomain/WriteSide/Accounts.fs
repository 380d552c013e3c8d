// Several aggregates in one atomic append: a transfer debits one account stream and credits another.
module Hybrid.Tests.TestDomain.Accounts

open Hybrid

[<Literal>]
let Aggregate = "account"

type Opened = { AccountId: string; Balance: int }
type Moved = { AccountId: string; Amount: int; Transfer: string }

type Event =
    | Opened of Opened
    | Debited of Moved
    | Credited of Moved

type State = { Open: bool; Balance: int }

type Transfer = { TransferId: string; From: string; To: string; Amount: int }

type Command =
    | Open of Opened
    | Move of Transfer

let streamOf (accountId: string) = $"account-{accountId}"

let evolve (s: State) =
    function
    | Opened o -> { Open = true; Balance = o.Balance }
    | Debited m -> { s with Balance = s.Balance - m.Amount }
    | Credited m -> { s with Balance = s.Balance + m.Amount }

let decide (command: Command) (s: State) =
    match command with
    | Open _ when s.Open -> Error(Rejection.create "already-open" "The account is already open.")
    | Open o when o.Balance < 0 -> Error(Rejection.create "negative-balance" "An account cannot open with a negative balance.")
    | Open o -> Ok [ Opened o ]
    | Move _ -> Error(Rejection.create "not-single" "A transfer acts on two accounts.")

let decider = { Initial = { Open = false; Balance = 0 }; Evolve = evolve; Decide = fun _ -> decide }

let codec =
    { EventTypes = [ "AccountOpened"; "AccountDebited"; "AccountCredited" ]
      Encode =
        function
        | Opened o -> EventData.Tagged("AccountOpened", JsonPayload.serialize o, $"account:{o.AccountId}")
        | Debited m -> EventData.Tagged("AccountDebited", JsonPayload.serialize m, $"account:{m.AccountId}")
        | Credited m -> EventData.Tagged("AccountCredited", JsonPayload.serialize m, $"account:{m.AccountId}")
      Decode =
        fun e ->
            match e.Type with
            | "AccountOpened" -> JsonPayload.tryRead<Opened> e.Body |> Option.map Opened
            | "AccountDebited" -> JsonPayload.tryRead<Moved> e.Body |> Option.map Debited
            | "AccountCredited" -> JsonPayload.tryRead<Moved> e.Body |> Option.map Credited
            | _ -> None }

/// Decides a transfer over both accounts' states: total over any states.
let decideTransfer (t: Transfer) (states: Map<string, State>) =
    let from = states.TryFind(streamOf t.From) |> Option.defaultValue decider.Initial
    let into = states.TryFind(streamOf t.To) |> Option.defaultValue decider.Initial
    if t.From = t.To then Error(Rejection.create "same-account" "A transfer needs two different accounts.")
    elif t.Amount <= 0 then Error(Rejection.create "not-positive" "A transfer amount must be positive.")
    elif not from.Open then Error(Rejection.notFound $"Account '{t.From}'")
    elif not into.Open then Error(Rejection.notFound $"Account '{t.To}'")
    elif from.Balance < t.Amount then
        Error(Rejection.create "insufficient-funds" "The source account lacks the funds." |> Rejection.withDetail "balance" (string from.Balance))
    else
        Ok [ streamOf t.From, Debited { AccountId = t.From; Amount = t.Amount; Transfer = t.TransferId }
             streamOf t.To, Credited { AccountId = t.To; Amount = t.Amount; Transfer = t.TransferId } ]

let openAccount =
    Command.ofDecider "OpenAccount" Aggregate decider codec (fun (c: Command) -> match c with Open o -> streamOf o.AccountId | Move t -> streamOf t.From)
    |> Command.parsesAs<Opened> (fun o -> JsonPayload.required "accountId" o.AccountId |> Result.map (fun () -> box (Open o)))
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())

let transfer =
    Command.ofDeciders "Transfer" Aggregate decider codec
        (fun (c: Command) -> match c with Move t -> [ streamOf t.From; streamOf t.To ] | Open o -> [ streamOf o.AccountId ])
        (fun _ c states -> match c with Move t -> decideTransfer t states | Open _ -> Error(Rejection.create "not-a-transfer" "Not a transfer."))
    |> Command.parsesAs<Transfer> (fun t ->
        JsonPayload.required "from" t.From
        |> Result.bind (fun () -> JsonPayload.required "to" t.To)
        |> Result.map (fun () -> box (Move t)))
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())
