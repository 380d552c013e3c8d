// The sample with one deliberate bug, for demonstrations and tests of the test kit: its todo-lists read model
// forgets deleted items. The framework's own invariants cannot see it (the read model is a faithful fold of a wrong
// function); the sample's invariant "every list's open-item count equals the read model's" does.
module Hybrid.Sample.PlantedBugs

open Hybrid
open Hybrid.Sample.ReadModels

/// The todo-lists read model, ignoring ItemDeleted.
let forgetfulTodoLists =
    let evolve lists (e: RecordedEvent) = if e.Type = "ItemDeleted" then lists else TodoListsView.evolve lists e
    ReadModel.ofRecorded TodoListsView.Name 1 (List.ofArray TodoListsView.eventTypes) TodoListsView.initial evolve

/// The sample's registry with the forgetful read model in place of the right one.
let registry =
    let others =
        Definitions.registry.All
        |> List.filter (fun d -> not (d.Kind = DefinitionKind.ReadModel && d.Name = TodoListsView.Name))
    let withModel =
        { Kind = DefinitionKind.ReadModel; Name = forgetfulTodoLists.Name; Describe = Map.empty; Value = box forgetfulTodoLists }
    (others @ [ withModel ]) |> List.fold (fun r d -> Registry.add d r) Registry.empty

/// The sample application with the forgetful read model.
let application = { Application.simulated with Registry = registry }
