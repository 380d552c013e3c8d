// The sample's read models: pure folds of recorded events into views that queries read.
module Hybrid.Sample.ReadModels

open Hybrid

type TodoItemView = { Id: int; Text: string; Done: bool }

type TodoListView =
    { Id: string
      Name: string
      Owner: string
      /// Oldest first.
      Items: TodoItemView list }

    member v.OpenCount = v.Items |> List.filter (fun i -> not i.Done) |> List.length
    member v.DoneCount = v.Items |> List.filter (fun i -> i.Done) |> List.length

/// Every live list of a tenant, by id.
module TodoListsView =

    [<Literal>]
    let Name = "todo-lists"

    let eventTypes = TodoLists.Events.types

    let initial: Map<string, TodoListView> = Map.empty

    let private update (listId: string) f (lists: Map<string, TodoListView>) =
        match lists.TryFind listId with
        | Some list -> lists.Add(listId, f list)
        | None -> lists

    let evolve (lists: Map<string, TodoListView>) (event: RecordedEvent) =
        match TodoLists.Events.tryDecode event with
        | Some(TodoLists.Events.ListCreated e) -> lists.Add(e.ListId, { Id = e.ListId; Name = e.Name; Owner = e.Owner; Items = [] })
        | Some(TodoLists.Events.ListRenamed e) -> lists |> update e.ListId (fun l -> { l with Name = e.Name })
        | Some(TodoLists.Events.ItemAdded e) ->
            lists |> update e.ListId (fun l -> { l with Items = l.Items @ [ { Id = e.ItemId; Text = e.Text; Done = false } ] })
        | Some(TodoLists.Events.ItemCompleted e) ->
            lists |> update e.ListId (fun l -> { l with Items = l.Items |> List.map (fun i -> if i.Id = e.ItemId then { i with Done = true } else i) })
        | Some(TodoLists.Events.ItemDeleted e) -> lists |> update e.ListId (fun l -> { l with Items = l.Items |> List.filter (fun i -> i.Id <> e.ItemId) })
        | Some(TodoLists.Events.CompletedCleared e) ->
            lists |> update e.ListId (fun l -> { l with Items = l.Items |> List.filter (fun i -> not (Array.contains i.Id e.ItemIds)) })
        | Some(TodoLists.Events.ListDeleted e) -> lists.Remove e.ListId
        | None -> lists

type CustomerView =
    { CustomerId: string
      Email: string
      InvitedBy: string
      /// "invited" once the invite is recorded.
      Status: string }

/// Every invited customer of a tenant, by email.
module CustomersView =

    [<Literal>]
    let Name = "customers"

    let eventTypes = Invites.Events.types

    let initial: Map<string, CustomerView> = Map.empty

    let evolve (customers: Map<string, CustomerView>) (event: RecordedEvent) =
        match Invites.Events.tryDecode event with
        | Some(Invites.Events.CustomerInvited e) when isNull e.Email -> customers // forgotten: the customer leaves the view
        | Some(Invites.Events.CustomerInvited e) ->
            customers.Add(e.Email, { CustomerId = e.CustomerId; Email = e.Email; InvitedBy = e.InvitedBy; Status = "invited" })
        | None -> customers

type InvoiceView = { InvoiceId: string; Period: string; AmountCents: int }

/// Billing: the periods that came due and the invoices issued.
type BillingView =
    { DuePeriods: string list
      Invoices: Map<string, InvoiceView> }

module BillingView =

    [<Literal>]
    let Name = "billing"

    let eventTypes = Billing.Events.types

    let initial = { DuePeriods = []; Invoices = Map.empty }

    let evolve (view: BillingView) (event: RecordedEvent) =
        match Billing.Events.tryDecode event with
        | Some(Billing.Events.BillingDue e) -> { view with DuePeriods = view.DuePeriods @ [ e.Period ] }
        | Some(Billing.Events.InvoiceIssued e) ->
            { view with Invoices = view.Invoices.Add(e.InvoiceId, { InvoiceId = e.InvoiceId; Period = e.Period; AmountCents = e.AmountCents }) }
        | None -> view

/// Points per user.
module LeaderboardView =

    [<Literal>]
    let Name = "leaderboard"

    let eventTypes = Points.Events.types

    let initial: Map<string, int> = Map.empty

    let evolve (board: Map<string, int>) (event: RecordedEvent) =
        match Points.Events.tryDecode event with
        | Some(Points.Events.PointsAwarded e) -> board.Add(e.User, (board.TryFind e.User |> Option.defaultValue 0) + e.Points)
        | None -> board
