// Properties of the todo-list decider: the model of how users test their deciders (habit 17 of the style guide).
module Hybrid.Tests.Properties.Sample.TodoListProperties

open FsCheck.Xunit
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Tests.Properties.Sample.SampleGenerators

let private stateAfter history =
    runTodo history |> TodoLists.Fold.fold TodoLists.Fold.initial

[<Property(Arbitrary = [| typeof<SampleArbitraries> |])>]
let ``a command that took effect writes nothing when repeated, except AddItem`` (history: TodoLists.Command list) (command: TodoLists.Command) =
    let onOneList = history |> List.filter (fun c -> TodoLists.listOf c = TodoLists.listOf command)
    let state = stateAfter onOneList
    match command, TodoLists.decide "ann" command state with
    | TodoLists.AddItem _, _ -> true
    | _, Ok events -> TodoLists.decide "ann" command (TodoLists.Fold.fold state events) = Ok []
    | _, Error _ -> true

[<Property(Arbitrary = [| typeof<SampleArbitraries> |])>]
let ``empty names and texts are refused with a message naming the field`` (command: TodoLists.Command) =
    let blank = ""
    let withBlank =
        match command with
        | TodoLists.Create(l, _) -> Some(TodoLists.Create(l, blank), "list name")
        | TodoLists.Rename(l, _) -> Some(TodoLists.Rename(l, blank), "list name")
        | TodoLists.AddItem(l, _) -> Some(TodoLists.AddItem(l, blank), "item text")
        | _ -> None
    match withBlank with
    | Some(c, field) -> TodoLists.decide "ann" c TodoLists.Fold.initial = Error $"The {field} is empty."
    | None -> true

[<Property(Arbitrary = [| typeof<SampleArbitraries> |])>]
let ``every event survives encoding and decoding`` (history: TodoLists.Command list) =
    let events = runTodo history
    let decoded = events |> List.map TodoLists.Events.encode |> recordAll |> Array.choose TodoLists.Events.tryDecode |> List.ofArray
    decoded = events

[<Property(Arbitrary = [| typeof<SampleArbitraries> |])>]
let ``clearing completed items leaves the open ones and no done ones`` (history: TodoLists.Command list) =
    let state = stateAfter (history |> List.filter (fun c -> TodoLists.listOf c = "list-1"))
    match TodoLists.decide "ann" (TodoLists.ClearCompleted "list-1") state with
    | Ok events ->
        let after = TodoLists.Fold.fold state events
        let openBefore = state.Items |> Map.filter (fun _ i -> not i.Done)
        after.Items = openBefore
    | Error message -> not state.Exists && message = "There is no todo list 'list-1'."

[<Property(Arbitrary = [| typeof<SampleArbitraries> |])>]
let ``the todo-lists view agrees with each list's decider state`` (history: TodoLists.Command list) =
    let events = runTodo history
    let view = events |> List.map TodoLists.Events.encode |> recordAll |> Array.fold TodoListsView.evolve TodoListsView.initial
    [ "list-1"; "list-2"; "list-3" ]
    |> List.forall (fun listId ->
        let state = events |> List.filter (fun e -> (TodoLists.Events.encode e).Stream = TodoLists.streamId listId) |> TodoLists.Fold.fold TodoLists.Fold.initial
        match view.TryFind listId with
        | None -> not state.Exists
        | Some list ->
            state.Exists
            && list.Name = state.Name
            && (list.Items |> List.map (fun i -> i.Id, i.Text, i.Done)) = (state.Items |> Map.toList |> List.map (fun (id, i) -> id, i.Text, i.Done)))
