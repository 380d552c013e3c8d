// The sample's queries: authorized, pure reads of the read models.
module Hybrid.Sample.Queries

open Hybrid
open Hybrid.Sample.ReadModels

/// A query's answer: the result, or a refusal.
type QueryOutcome<'T> =
    | Answer of 'T
    | Unauthorized of reason: string

let private authorized (allowed: Caller -> bool) (caller: Caller) (what: string) run =
    if allowed caller then Answer(run ())
    else
        let who = if caller.IsAuthenticated then $"'{caller.Actor}'" else "an anonymous caller"
        Unauthorized $"Tenant '{caller.Tenant}': {who} may not read {what}."

/// The first `limit` items of an answer (0: every item), as a `Page` asks.
let page (limit: int) (outcome: QueryOutcome<'T list>) =
    match outcome with
    | Answer items when limit > 0 -> Answer(List.truncate limit items)
    | other -> other

/// Every list, by name.
let lists (caller: Caller) (view: Map<string, TodoListView>) =
    authorized Access.canRead caller "todo lists" (fun () -> view |> Map.values |> Seq.sortBy (fun l -> l.Name, l.Id) |> List.ofSeq)

/// One list, if it exists.
let list (caller: Caller) (listId: string) (view: Map<string, TodoListView>) =
    authorized Access.canRead caller $"todo list '{listId}'" (fun () -> view.TryFind listId)

/// Every invited customer, by email.
let customers (caller: Caller) (view: Map<string, CustomerView>) =
    authorized Access.canRead caller "customers" (fun () -> view |> Map.values |> List.ofSeq)

/// Whether an email was invited.
let isInvited (caller: Caller) (email: string) (view: Map<string, CustomerView>) =
    authorized Access.canRead caller "customers" (fun () -> view.ContainsKey(Invites.normalize email))

/// The invoices, by period: admins only.
let invoices (caller: Caller) (view: BillingView) =
    authorized Access.isAdmin caller "invoices" (fun () -> view.Invoices |> Map.values |> Seq.sortBy (fun i -> i.Period) |> List.ofSeq)

/// A user's place on the leaderboard.
type Standing = { User: string; Points: int }

/// Users by points, most first.
let leaderboard (caller: Caller) (view: Map<string, int>) =
    authorized Access.canRead caller "the leaderboard" (fun () ->
        view |> Map.toList |> List.sortBy (fun (user, points) -> -points, user) |> List.map (fun (user, points) -> { User = user; Points = points }))
