// The sample's commands, bound to their arguments: authorization, lookup and the pure decision
// (lookup, operate, write). The shell appends on condition that nothing matching the lookup appeared since.
module Hybrid.Sample.Commands

open Hybrid
open Hybrid.Simulation

let private outcome encode (decided: Result<'Event list, string>) =
    match decided with
    | Ok [] -> Accepted([], "nothing to change")
    | Ok events -> Accepted(events |> List.map encode, $"{events.Length} event(s)")
    | Error reason -> Rejected reason

/// A todo-list command.
let todo (command: TodoLists.Command) : SimulatedCommand =
    let listId = TodoLists.listOf command
    { Name = TodoLists.nameOf command
      Text = TodoLists.describe command
      Authorize = Access.canEditLists
      Lookup = EventQuery.OfTags(TodoLists.tag listId)
      Decide =
        fun caller events ->
            let state = events |> Seq.choose TodoLists.Events.tryDecode |> TodoLists.Fold.fold TodoLists.Fold.initial
            TodoLists.decide caller.Actor command state |> outcome TodoLists.Events.encode }

/// An invite.
let invite (command: Invites.Command) : SimulatedCommand =
    { Name = "InviteCustomer"
      Text = Invites.describe command
      Authorize = Access.isAdmin
      // An empty or malformed email looks up nothing: the decision refuses it before anything is written.
      Lookup = EventQuery.OfTags(Invites.emailTag (match Invites.validateEmail command.Email with Ok e -> e | Error _ -> "-"))
      Decide =
        fun caller events ->
            let existing = events |> Seq.choose Invites.Events.tryDecode |> List.ofSeq
            Invites.decide caller.Actor command existing |> outcome Invites.Events.encode }
