// Properties of the todo lists, written with the test kit: the decider's laws, its idempotency (habit 17 of the
// style guide), the read model's laws, and the view's agreement with the decider. The model of how users test theirs.
module Hybrid.Tests.Properties.Sample.TodoListProperties

open FsCheck.FSharp
open FsCheck.Xunit
open Xunit
open Hybrid
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Testing
open Hybrid.Tests.Properties.Sample.SampleGenerators

let private todoLists = Definitions.readModels |> List.find (fun m -> m.Name = TodoListsView.Name)

[<Fact>]
let ``the todo-list decider is total and deterministic`` () =
    Laws.decideIsTotal "todo-list" todoDecider todoStates todoCommand |> Law.verify
    Laws.decideIsDeterministic "todo-list" todoDecider todoStates todoCommand |> Law.verify

[<Fact>]
let ``todo-list events encode and decode to themselves`` () =
    Laws.codecRoundTrips "todolist" TodoLists.Events.codec (Generators.valuesOf ArbMap.defaults) |> Law.verify

[<Fact>]
let ``ItemAdded of schema version 1 upcasts to what the decoder accepts`` () =
    Laws.upcastsToCurrent "todolist" [ { EventType = "ItemAdded"; SchemaVersion = 1; Produces = []; Upcast = fun e -> [ renameTitle e ] } ] currentDecoder oldItemAdded
    |> Law.verify

[<Fact>]
let ``the todo-lists view rebuilt equals it built in batches, and a segmented one equals it`` () =
    Laws.rebuildEqualsIncremental todoLists todoHistory |> Law.verify
    Laws.layoutMatchesMonolithic (segmentedLists listIdOf) todoLists todoHistory |> Law.verify

[<Fact>]
let ``a command that took effect writes nothing when repeated, except AddItem`` () =
    Prop.forAll (Arb.fromGen (Gen.zip3 Generators.decisionContexts todoStates todoCommand)) (fun (context, state, command) ->
        match command, todoDecider.Decide context command state with
        | TodoLists.AddItem _, _ -> true
        | _, Ok events -> todoDecider.Decide context command (Decider.fold { todoDecider with Initial = state } events) = Ok []
        | _, Error _ -> true)
    |> Law.create "repeating a command that took effect writes nothing" "decider 'todo-list'"
    |> Law.verify

[<Property>]
let ``empty names and texts are refused with a message naming the field`` (listId: string) =
    [ TodoLists.Create(listId, ""), "list name"; TodoLists.Rename(listId, ""), "list name"; TodoLists.AddItem(listId, ""), "item text" ]
    |> List.forall (fun (c, field) -> TodoLists.decide "ann" c TodoLists.Fold.initial = Error $"The {field} is empty.")

[<Fact>]
let ``clearing completed items leaves the open ones and no done ones`` () =
    Prop.forAll (Arb.fromGen todoStates) (fun state ->
        match TodoLists.decide "ann" (TodoLists.ClearCompleted "list-1") state with
        | Ok events -> (TodoLists.Fold.fold state events).Items = (state.Items |> Map.filter (fun _ i -> not i.Done))
        | Error message -> not state.Exists && message = "There is no todo list 'list-1'.")
    |> Law.create "clearing completed items keeps the open ones" "decider 'todo-list'"
    |> Law.verify

[<Fact>]
let ``the todo-lists view agrees with each list's decider state`` () =
    Prop.forAll (Arb.fromGen todoHistory) (fun events ->
        let log = History.record "tenant-1" events
        let view = ReadModel.plainRead todoLists "" log :?> Map<string, TodoListView>
        [ "list-1"; "list-2"; "list-3" ]
        |> List.forall (fun listId ->
            let state = log |> Seq.filter (fun e -> e.Stream = TodoLists.streamId listId) |> Seq.choose TodoLists.Events.tryDecode |> TodoLists.Fold.fold TodoLists.Fold.initial
            match view.TryFind listId with
            | None -> not state.Exists
            | Some list ->
                state.Exists
                && list.Name = state.Name
                && (list.Items |> List.map (fun i -> i.Id, i.Text, i.Done)) = (state.Items |> Map.toList |> List.map (fun (id, i) -> id, i.Text, i.Done))))
    |> Law.create "the view agrees with the decider" "read model 'todo-lists'"
    |> Law.verify
