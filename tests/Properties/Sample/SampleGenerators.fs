// Generators of the sample domain, built with the test kit: its todo-list decider as a Decider, commands over a few
// lists and emails (so histories collide and repeat), requests for every command and query, and application histories.
module Hybrid.Tests.Properties.Sample.SampleGenerators

open System
open FsCheck.FSharp
open Hybrid
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Sample.Requests
open Hybrid.Testing

/// The todo-list decider of one actor.
let todoDecider: Decider<TodoLists.Command, TodoLists.Events.Event, TodoLists.Fold.State> =
    { Initial = TodoLists.Fold.initial
      Evolve = TodoLists.Fold.evolve
      Decide = fun _ command state -> TodoLists.decide "ann" command state |> Result.mapError (Rejection.create "rejected") }

let private listIds = Gen.elements [ "list-1"; "list-2"; "list-3" ]
let private texts = Gen.elements [ "Groceries"; "Chores"; "milk"; "eggs"; "  padded  "; ""; "   " ]
let private itemIds = Gen.choose (1, 5)

/// Any todo-list command over a few lists, so commands collide and repeat.
let todoCommand =
    Gen.oneof
        [ Gen.map2 (fun l t -> TodoLists.Create(l, t)) listIds texts
          Gen.map2 (fun l t -> TodoLists.Rename(l, t)) listIds texts
          Gen.map2 (fun l t -> TodoLists.AddItem(l, t)) listIds texts
          Gen.map2 (fun l t -> TodoLists.AddItem(l, t)) listIds texts
          Gen.map2 (fun l i -> TodoLists.Complete(l, i)) listIds itemIds
          Gen.map2 (fun l i -> TodoLists.DeleteItem(l, i)) listIds itemIds
          Gen.map TodoLists.ClearCompleted listIds
          Gen.map TodoLists.DeleteList listIds ]

/// Histories the todo-list decider could have written, as event data.
let todoHistory = Generators.decided todoDecider todoCommand |> Gen.map (List.map TodoLists.Events.encode)

/// States the todo-list decider reaches.
let todoStates = Generators.statesOf todoDecider todoCommand

/// A mix of well-formed, differently written, empty and malformed emails.
let email =
    Gen.oneof
        [ Gen.map (sprintf "user%d@example.com") (Gen.choose (1, 4))
          Gen.map (sprintf "  USER%d@Example.com ") (Gen.choose (1, 4))
          Gen.elements [ ""; "   "; "no-at-sign"; "two@@example.com"; "@example.com"; "user@" ] ]

/// Requests for every command and query of the sample, with typed payloads.
let sampleRequests: FsCheck.Gen<string * obj> =
    Gen.oneof
        [ Gen.map2 (fun l t -> "CreateList", box ({ ListId = l; Name = t }: CreateList)) listIds texts
          Gen.map2 (fun l t -> "RenameList", box ({ ListId = l; Name = t }: RenameList)) listIds texts
          Gen.map2 (fun l t -> "AddItem", box ({ ListId = l; Text = t }: AddItem)) listIds texts
          Gen.map2 (fun l i -> "CompleteItem", box ({ ListId = l; ItemId = i }: CompleteItem)) listIds itemIds
          Gen.map2 (fun l i -> "DeleteItem", box ({ ListId = l; ItemId = i }: DeleteItem)) listIds itemIds
          Gen.map (fun l -> "ClearCompleted", box ({ ListId = l }: ClearCompleted)) listIds
          Gen.map (fun l -> "DeleteList", box ({ ListId = l }: DeleteList)) listIds
          Gen.map2 (fun c e -> "InviteCustomer", box ({ CustomerId = $"c-{c}"; Email = e }: InviteCustomer)) (Gen.choose (1, 9)) email
          Gen.map (fun n -> "lists", box ({ Limit = n }: Page)) (Gen.choose (0, 5))
          Gen.map (fun l -> "list", box ({ ListId = l }: ListById)) listIds
          Gen.map (fun n -> "customers", box ({ Limit = n }: Page)) (Gen.choose (0, 5))
          Gen.map (fun n -> "leaderboard", box ({ Limit = n }: Page)) (Gen.choose (0, 5))
          Gen.map (fun n -> "invoices", box ({ Limit = n }: Page)) (Gen.choose (0, 5)) ]

/// The sample's registered command requests, as the kit's command combinators build them.
let commandRequests =
    Commands.weighted
        [ 2, Commands.named "CreateList" (Gen.map2 (fun l t -> ({ ListId = l; Name = t }: CreateList)) listIds texts)
          4, Commands.named "AddItem" (Gen.map2 (fun l t -> ({ ListId = l; Text = t }: AddItem)) listIds texts)
          2, Commands.named "CompleteItem" (Gen.map2 (fun l i -> ({ ListId = l; ItemId = i }: CompleteItem)) listIds itemIds)
          1, Commands.named "DeleteItem" (Gen.map2 (fun l i -> ({ ListId = l; ItemId = i }: DeleteItem)) listIds itemIds)
          1, Commands.named "InviteCustomer" (Gen.map2 (fun c e -> ({ CustomerId = $"c-{c}"; Email = e }: InviteCustomer)) (Gen.choose (1, 9)) email) ]

/// Members, admins, viewers and anonymous callers of tenant-1.
let sampleCallers = Generators.callerIn "tenant-1" [ "ann"; "bob"; "dan" ] [ "member"; "admin"; "viewer" ]

/// Application histories of the sample: generated requests by generated callers, run on the pure definitions.
let sampleHistory = Commands.history Definitions.registry "tenant-1" (Commands.sentBy sampleCallers commandRequests)

/// ItemAdded events of schema version 1, which called the text "title".
let oldItemAdded =
    Gen.map2 (fun list title -> { Type = "ItemAdded"; Tags = [||]; Stream = TodoLists.streamId list; Body = Json.serialize {| listId = list; itemId = 1; title = title |}; SchemaVersion = 1 })
        (Gen.elements [ "l1"; "l2" ]) (Gen.elements [ "milk"; "eggs" ])

/// The upcaster of ItemAdded from version 1: "title" becomes "text".
let renameTitle (e: RecordedEvent) =
    let node = Text.Json.Nodes.JsonNode.Parse(e.Body).AsObject()
    node["text"] <- node["title"].DeepClone()
    node.Remove "title" |> ignore
    { e with Content = EventBody.OfText(node.ToJsonString()); SchemaVersion = 2 }

/// The current decoder, refusing an ItemAdded without a text.
let currentDecoder (e: RecordedEvent) =
    match TodoLists.Events.codec.Decode e with
    | Some(TodoLists.Events.ItemAdded a) when isNull a.Text -> None
    | decoded -> decoded

/// The list an event of a list is about.
let listIdOf (e: RecordedEvent) =
    match TodoLists.Events.tryDecode e with
    | Some(TodoLists.Events.ItemCompleted r) -> r.ListId
    | _ -> (Text.Json.JsonDocument.Parse e.Body).RootElement.GetProperty("listId").GetString()

/// The todo-lists view as a segmented model of lists keyed by keyOf.
let segmentedLists (keyOf: RecordedEvent -> string) =
    ReadModel.segmentedWithRemoval "todo-lists-segmented" 1 (List.ofArray TodoLists.Events.types) 8 Some keyOf (fun existing e ->
        let key = keyOf e
        let before = match existing with Some v -> Map.ofList [ key, v ] | None -> Map.empty
        (TodoListsView.evolve before e).TryFind key)

/// An instant of the sample's first months.
let january31 = DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero)
