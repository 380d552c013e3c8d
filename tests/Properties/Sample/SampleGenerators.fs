// Generators for the sample domain: commands over a few lists and emails, so histories collide and repeat.
module Hybrid.Tests.Properties.Sample.SampleGenerators

open System
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Sample

let private listIds = Gen.elements [ "list-1"; "list-2"; "list-3" ]
let private texts = Gen.elements [ "Groceries"; "Chores"; "milk"; "eggs"; "  padded  "; ""; "   " ]
let private itemIds = Gen.choose (1, 5)

/// Any todo-list command.
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

/// A mix of well-formed, differently written, empty and malformed emails.
let email =
    Gen.oneof
        [ Gen.map (sprintf "user%d@example.com") (Gen.choose (1, 4))
          Gen.map (sprintf "  USER%d@Example.com ") (Gen.choose (1, 4))
          Gen.elements [ ""; "   "; "no-at-sign"; "two@@example.com"; "@example.com"; "user@" ] ]

/// Arbitraries for [<Property(Arbitrary = ...)>].
type SampleArbitraries =
    static member TodoCommands() = Arb.fromGen (Gen.listOf todoCommand)
    static member TodoCommand() = Arb.fromGen todoCommand

/// A recorded event for a piece of event data, as a store would return it.
let record (position: int64) (data: EventData) : RecordedEvent =
    { Id = Guid.NewGuid()
      Tenant = "t1"
      Position = position
      Stream = data.Stream
      StreamVersion = 0L
      Type = data.Type
      Tags = data.Tags
      Body = data.Body
      SchemaVersion = data.SchemaVersion
      Metadata = EventMetadata.Empty
      Timestamp = DateTimeOffset.UnixEpoch }

/// Records a list of event data as a log, positions 1..n.
let recordAll (data: EventData seq) = data |> Seq.mapi (fun i d -> record (int64 (i + 1)) d) |> Array.ofSeq

/// Runs todo commands one after another by one actor; the accepted events, in order.
let runTodo (commands: TodoLists.Command list) =
    let mutable states: Map<string, TodoLists.Fold.State> = Map.empty
    [ for c in commands do
          let listId = TodoLists.listOf c
          let state = states.TryFind listId |> Option.defaultValue TodoLists.Fold.initial
          match TodoLists.decide "ann" c state with
          | Ok events ->
              states <- states.Add(listId, TodoLists.Fold.fold state events)
              yield! events
          | Error _ -> () ]
