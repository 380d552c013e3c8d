// Each of the kit's laws catches a planted bug, reporting the shrunk counter-example, the seed, and (for a definition
// that throws) the definition's name. That they hold for the right definitions is shown by the sample's properties.
module Hybrid.Tests.Properties.Testing.LawTests

open System
open FsCheck.FSharp
open Xunit
open Hybrid
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Testing
open Hybrid.Tests.Properties.Sample.SampleGenerators

// A planted bug must be found whatever the seed: 1,000 cases, so a bug that one case in a few dozen shows is never
// missed by chance (a law stops at its first failing case, so this costs nothing when it is found early).
let private fails (law: Law) =
    let report = Law.runWith { LawConfig.defaults with MaxTests = 1000 } law
    Assert.False(report.Passed, $"The planted bug went unnoticed: {report.Message}")
    Assert.NotEmpty(report.CounterExample)
    Assert.Matches(@"^\(\d+, \d+\)$", report.Seed)
    Assert.Contains(report.Seed, report.Message)
    report

[<Fact>]
let ``decide is total fails naming a decider that throws`` () =
    let throwing =
        { todoDecider with
            Decide =
                fun context command state ->
                    match command with
                    | TodoLists.Complete(_, item) when not state.Items.[item].Done -> todoDecider.Decide context command state
                    | _ -> todoDecider.Decide context command state }
    let report = fails (Laws.decideIsTotal "todo-list" throwing todoStates todoCommand)
    Assert.Contains("decider 'todo-list' threw KeyNotFoundException", report.Reason)

[<Fact>]
let ``deciding twice from the same state catches a decider reading a counter`` () =
    let mutable calls = 0
    let counting =
        { todoDecider with
            Decide =
                fun context command state ->
                    calls <- calls + 1
                    match command with
                    | TodoLists.AddItem(listId, _) when state.Exists ->
                        Ok [ TodoLists.Events.ItemAdded { ListId = listId; ItemId = calls; Text = "x" } ]
                    | _ -> todoDecider.Decide context command state }
    fails (Laws.decideIsDeterministic "todo-list" counting todoStates todoCommand) |> ignore

[<Fact>]
let ``the round trip catches a codec that loses a field`` () =
    let lossy =
        { TodoLists.Events.codec with
            Encode =
                function
                | TodoLists.Events.ListRenamed r -> TodoLists.Events.encode (TodoLists.Events.ListRenamed { r with Name = "" })
                | e -> TodoLists.Events.encode e }
    let report = fails (Laws.codecRoundTrips "todolist" lossy (Generators.valuesOf ArbMap.defaults))
    Assert.Contains("ListRenamed", report.CounterExample)

[<Fact>]
let ``the upcast law catches an upcaster registered for the wrong version`` () =
    fails (Laws.upcastsToCurrent "todolist" [ { EventType = "ItemAdded"; SchemaVersion = 2; Produces = []; Upcast = fun e -> [ renameTitle e ] } ] currentDecoder oldItemAdded)
    |> ignore

[<Fact>]
let ``rebuilt equals incremental catches an impure fold`` () =
    let model = Definitions.readModels |> List.find (fun m -> m.Name = TodoListsView.Name)
    let mutable folded = 0
    let impure =
        ReadModel.ofRecorded "folds-seen" 1 (List.ofArray TodoLists.Events.types) 0 (fun _ _ ->
            folded <- folded + 1
            folded)
    fails (Laws.rebuildEqualsIncremental impure todoHistory) |> ignore

[<Fact>]
let ``the layout law catches a segmented model keyed inconsistently`` () =
    let monolithic = Definitions.readModels |> List.find (fun m -> m.Name = TodoListsView.Name)
    let inconsistent (e: RecordedEvent) =
        match TodoLists.Events.tryDecode e with
        | Some(TodoLists.Events.ItemCompleted r) -> $"{r.ListId}#{r.ItemId}"
        | _ -> listIdOf e
    fails (Laws.layoutMatchesMonolithic (segmentedLists inconsistent) monolithic todoHistory) |> ignore

[<Fact>]
let ``deny by default catches a query open to anyone`` () =
    let openLists = Definitions.queries |> List.find (fun q -> q.Name = "lists") |> Query.authorize<Requests.Page> Authorize.anyone
    let leaky =
        Definitions.registry.All
        |> List.map (fun d -> if d.Kind = DefinitionKind.Query && d.Name = "lists" then { d with Value = box openLists } else d)
        |> List.fold (fun r d -> Registry.add d r) Registry.empty
    let report = fails (Laws.anonymousGetsNothing leaky sampleRequests)
    Assert.Contains("The query 'lists' allowed an anonymous caller.", report.Reason)

[<Fact>]
let ``idempotence under redelivery catches a processor emitting by a counter`` () =
    let mutable handled = 0
    let counting =
        TodoProcessor.Create("counting", [| QueryItem.OfTypes "ItemAdded" |], Func<_, _, _>(fun _ (e: RecordedEvent) ->
            handled <- handled + 1
            ProcessorResult.Emitting(Array.init (1 + handled % 2) (fun i -> EventData.Tagged("Counted", $"{{\"n\":{i}}}", "counted")))))
    fails (Laws.processorIsIdempotent counting todoHistory) |> ignore
