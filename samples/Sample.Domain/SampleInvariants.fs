// The sample's own invariants, checked by simulations beside the framework's: pure functions over a tenant's log
// and read models, the way users write theirs.
module Hybrid.Sample.SampleInvariants

open System.Collections.Generic
open Hybrid
open Hybrid.Simulation
open Hybrid.Sample.ReadModels

/// Each list's state folded from its stream, for the lists that exist.
let private listsOf (log: RecordedEvent[]) =
    let states = Dictionary<string, TodoLists.Fold.State>()
    for e in log do
        match TodoLists.Events.tryDecode e with
        | Some event ->
            let listId =
                match event with
                | TodoLists.Events.ListCreated c -> c.ListId
                | TodoLists.Events.ListRenamed r -> r.ListId
                | TodoLists.Events.ItemAdded a -> a.ListId
                | TodoLists.Events.ItemCompleted r
                | TodoLists.Events.ItemDeleted r -> r.ListId
                | TodoLists.Events.CompletedCleared c -> c.ListId
                | TodoLists.Events.ListDeleted d -> d.ListId
            let state = match states.TryGetValue listId with | true, s -> s | _ -> TodoLists.Fold.initial
            states[listId] <- TodoLists.Fold.evolve state event
        | None -> ()
    states |> Seq.filter (fun kv -> kv.Value.Exists) |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq

/// Every list's open-item count equals the one the todo-lists read model shows.
let openItemsMatchTheReadModel =
    Invariant.create "every list's open-item count equals the read model's" (fun input ->
        let view = input.StateOf<Map<string, TodoListView>> TodoListsView.Name
        let lists = listsOf input.Log
        [ for KeyValue(listId, state) in lists do
              let openItems = state.Items |> Seq.filter (fun i -> not i.Value.Done) |> Seq.length
              match view.TryFind listId with
              | None -> yield $"Tenant '{input.Tenant}': list '{listId}' has {openItems} open item(s) but is missing from the read model."
              | Some shown when shown.OpenCount <> openItems ->
                  yield $"Tenant '{input.Tenant}': list '{listId}' has {openItems} open item(s) but the read model shows {shown.OpenCount}."
              | Some _ -> ()
          for KeyValue(listId, _) in view do
              if not (lists.ContainsKey listId) then yield $"Tenant '{input.Tenant}': the read model shows list '{listId}', which does not exist." ])

/// No email is invited twice in a tenant: counted by the invites' email tags (a keyed hash of the email), which stay
/// when a customer is forgotten and its email reads as null.
let noEmailInvitedTwice =
    Invariant.ofLog "no email is invited twice in a tenant" (fun tenant log ->
        log
        |> Seq.filter (fun e -> e.Type = "CustomerInvited")
        |> Seq.countBy (fun e -> e.Tags |> Array.tryFind (fun t -> t.StartsWith("email:", System.StringComparison.Ordinal)) |> Option.defaultValue "")
        |> Seq.filter (fun (_, n) -> n > 1)
        |> Seq.map (fun (tag, n) -> $"Tenant '{tenant}': the email of tag '{tag}' was invited {n} times.")
        |> List.ofSeq)

/// The sample's invariants.
let all = [ openItemsMatchTheReadModel; noEmailInvitedTwice ]
