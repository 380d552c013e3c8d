// The kit's scenarios on the sample: each runs on the pure definitions and, unchanged, on the in-memory store
// (tests/Integration runs them on PostgreSQL too), and a wrong expectation fails showing expected and actual as JSON.
module Hybrid.Tests.Properties.Testing.ScenarioTests

open System
open Xunit
open Hybrid
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Sample.Requests
open Hybrid.Testing
open Hybrid.Tests.Properties.Sample

let private ann = Scenario.caller "ann" [ "admin"; "member" ]
let private dan = Scenario.caller "dan" [ "viewer" ]
let private created = TodoLists.Events.encode (TodoLists.Events.ListCreated { ListId = "l1"; Name = "Groceries"; Owner = "ann" })
let private milk = TodoLists.Events.encode (TodoLists.Events.ItemAdded { ListId = "l1"; ItemId = 1; Text = "milk" })
let private invited email = Invites.Events.encode (Invites.Events.CustomerInvited { CustomerId = "c-1"; Email = email; InvitedBy = "ann"; InvitedAt = History.epoch })

let private everywhere scenario = (Scenario.verifyEverywhere [ Stores.inMemory ] scenario).GetAwaiter().GetResult()

[<Fact>]
let ``adding an item to a list writes ItemAdded, on the definitions and the in-memory store`` () =
    Scenario.named "adding an item"
    |> Scenario.given [ created ]
    |> Scenario.whenCommand Definitions.registry ann "AddItem" ({ ListId = "l1"; Text = "milk" }: AddItem)
    |> Scenario.thenEvents [ milk ]
    |> everywhere

[<Fact>]
let ``adding to a missing list is rejected and a viewer is refused`` () =
    Scenario.named "adding to a missing list"
    |> Scenario.whenCommand Definitions.registry ann "AddItem" ({ ListId = "nope"; Text = "milk" }: AddItem)
    |> Scenario.thenRejected "rejected"
    |> everywhere
    Scenario.named "a viewer adding an item"
    |> Scenario.given [ created ]
    |> Scenario.whenCommand Definitions.registry dan "AddItem" ({ ListId = "l1"; Text = "milk" }: AddItem)
    |> Scenario.thenUnauthorized
    |> everywhere

[<Fact>]
let ``an invite conflicts with a concurrent invite of the same email but not with an unrelated event`` () =
    let invite = ({ CustomerId = "c-2"; Email = "zoe@example.com" }: InviteCustomer)
    Scenario.named "a concurrent invite of the same email"
    |> Scenario.whenCommand Definitions.registry ann "InviteCustomer" invite
    |> Scenario.concurrently [ invited "zoe@example.com" ]
    |> Scenario.thenConflict
    |> everywhere
    Scenario.named "an unrelated concurrent event"
    |> Scenario.whenCommand Definitions.registry ann "InviteCustomer" invite
    |> Scenario.concurrently [ created ]
    |> Scenario.thenEvents [ Invites.Events.encode (Invites.Events.CustomerInvited { CustomerId = "c-2"; Email = "zoe@example.com"; InvitedBy = "ann"; InvitedAt = History.epoch }) ]
    |> everywhere

[<Fact>]
let ``the todo-lists read model and the lists query show the list with its item`` () =
    let view = { Id = "l1"; Name = "Groceries"; Owner = "ann"; Items = [ { Id = 1; Text = "milk"; Done = false } ] }
    Scenario.named "the todo-lists view"
    |> Scenario.given [ created; milk ]
    |> Scenario.whenReadModel Definitions.registry TodoListsView.Name
    |> Scenario.thenState (Map.ofList [ "l1", view ])
    |> everywhere
    Scenario.named "the lists query"
    |> Scenario.given [ created; milk ]
    |> Scenario.whenQuery Definitions.registry dan "lists" ({ Limit = 10 }: Page)
    |> Scenario.thenState [ view ]
    |> everywhere
    Scenario.named "the lists query, anonymously"
    |> Scenario.given [ created ]
    |> Scenario.whenQuery Definitions.registry Scenario.anonymous "lists" ({ Limit = 10 }: Page)
    |> Scenario.thenUnauthorized
    |> everywhere

[<Fact>]
let ``processors emit points for a completion and send an invitation email for an invite`` () =
    let points = Definitions.processors |> List.find (fun p -> p.Name = Processors.PointsAwarding)
    let emails = Definitions.processors |> List.find (fun p -> p.Name = Processors.InviteEmails)
    let completed: TodoLists.Events.ItemRef = { ListId = "l1"; ItemId = 1 }
    Scenario.named "a completion earns a point"
    |> Scenario.given [ created; milk ]
    |> Scenario.whenHandling points (TodoLists.Events.encode (TodoLists.Events.ItemCompleted completed))
    |> Scenario.thenEmits [ Points.Events.encode (Points.award "" completed) ]
    |> everywhere
    Scenario.named "an invite sends an email"
    |> Scenario.whenHandling emails (invited "zoe@example.com")
    |> Scenario.thenEffect Effects.SendEmail (Emails.invitation { CustomerId = "c-1"; Email = "zoe@example.com"; InvitedBy = "ann"; InvitedAt = History.epoch })
    |> everywhere
    Scenario.named "an item added is none of the points processor's business"
    |> Scenario.whenHandling points milk
    |> Scenario.thenNothing
    |> everywhere

[<Fact>]
let ``monthly billing fires at midnight on the first, once`` () =
    Scenario.named "billing at the turn of the month"
    |> Scenario.given [ created ]
    |> Scenario.whenScheduled Definitions.billingTask SampleGenerators.january31 (SampleGenerators.january31.AddMinutes 60.5)
    |> Scenario.thenFires [ DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) ]
    |> everywhere

[<Fact>]
let ``a failing scenario shows expected and actual events as JSON, naming the scenario and where it ran`` () =
    let wrong =
        Scenario.named "adding an item, expecting the wrong text"
        |> Scenario.given [ created ]
        |> Scenario.whenCommand Definitions.registry ann "AddItem" ({ ListId = "l1"; Text = "milk" }: AddItem)
        |> Scenario.thenEvents [ TodoLists.Events.encode (TodoLists.Events.ItemAdded { ListId = "l1"; ItemId = 1; Text = "eggs" }) ]
    let error = Assert.Throws<ScenarioFailedException>(fun () -> everywhere wrong)
    Assert.Contains("Scenario 'adding an item, expecting the wrong text' on the pure definitions: expected the command to write", error.Message)
    Assert.Contains("Scenario 'adding an item, expecting the wrong text' on the in-memory store", error.Message)
    Assert.Contains("\"text\": \"eggs\"", error.Message)
    Assert.Contains("\"text\": \"milk\"", error.Message)

[<Fact>]
let ``a definition that throws fails the scenario naming what it threw`` () =
    let throwing =
        Command.define<AddItem> "Explode" (fun r -> Lookup.Streams [ TodoLists.streamId r.ListId ]) (fun _ _ _ -> failwith "boom")
        |> Command.authorize<AddItem> Authorize.authenticated
    let registry = WriteSide.addCommand throwing Registry.empty
    let error =
        Assert.Throws<ScenarioFailedException>(fun () ->
            Scenario.named "an exploding command"
            |> Scenario.whenCommand registry ann "Explode" ({ ListId = "l1"; Text = "x" }: AddItem)
            |> Scenario.thenEvents []
            |> Scenario.verify)
    Assert.Contains("the command 'Explode' threw Exception: boom", error.Message)
    Assert.Contains("ScenarioTests.fs:line", error.Message)

/// Emits "Seen" with the count of earlier "Placed" events its lookup read, for "Placed" events only.
let private counting =
    TodoProcessor.Create("counting", [| QueryItem.OfTypes "Placed" |], fun context e ->
        let earlier = context.Reads.EventsOf "placed" |> Array.filter (fun p -> p.Position < e.Position)
        ProcessorResult.Emitting(EventData.Tagged("Seen", $"{{\"earlier\":{earlier.Length}}}", "order:1")))
    |> fun p -> { p with Lookup = fun _ _ -> [ ProcessorLookup.Events("placed", EventQuery.OfTypes "Placed") ] }

let private placed = EventData.Tagged("Placed", "{}", "order:1")

[<Fact>]
let ``an event outside a processor's topics is not handled, on the definitions as on a store`` () =
    Scenario.named "an event the processor does not subscribe to"
    |> Scenario.whenHandling counting (EventData.Tagged("Cancelled", "{}", "order:1"))
    |> Scenario.thenNothing
    |> everywhere

[<Fact>]
let ``a processor's event lookup reads the log on the definitions as on a store`` () =
    Scenario.named "a processor counting earlier orders"
    |> Scenario.given [ placed; placed ]
    |> Scenario.whenHandling counting placed
    |> Scenario.thenEmits [ EventData.Tagged("Seen", """{"earlier":2}""", "order:1") ]
    |> everywhere

/// Every hour, a "DueCheck" of its day, unless one of that day was already written (Grain's CAS predicate).
let private dailyOnce =
    let day (tick: Tick) = $"day:{tick.DueAt:yyyyMMdd}"
    PeriodicTask
        .Create("hourly-check", Every(TimeSpan.FromHours 1.0), fun tick -> [| EventData.Tagged("DueCheck", "{}", day tick) |])
        .WithMissedFires(CatchUp 3)
        .When(fun tick -> FailIfEventsMatch(EventQuery.Of { Types = [| "DueCheck" |]; Tags = [| day tick |] }, Names.Start))

[<Fact>]
let ``a task's own condition declines instants on the definitions as on a store`` () =
    let from = DateTimeOffset(2026, 3, 1, 22, 30, 0, TimeSpan.Zero)
    Scenario.named "one check a day though the task runs hourly"
    |> Scenario.given [ created ]
    |> Scenario.whenScheduled dailyOnce from (from.AddHours 3.0)
    |> Scenario.thenFires [ DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero); DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero) ]
    |> everywhere

[<Fact>]
let ``a task for named tenants fires for the scenario's tenant on a store as on the definitions, and not for others`` () =
    let from = DateTimeOffset(2026, 3, 1, 22, 30, 0, TimeSpan.Zero)
    let hourly = PeriodicTask.Create("hourly", Every(TimeSpan.FromHours 1.0), fun _ -> [||])
    Scenario.named "a task for this tenant"
    |> Scenario.whenScheduled (hourly.ForTenants "tenant-1") from (from.AddMinutes 30.0)
    |> Scenario.thenFires [ DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero) ]
    |> everywhere
    Scenario.named "a task for another tenant"
    |> Scenario.whenScheduled (hourly.ForTenants "tenant-2") from (from.AddMinutes 30.0)
    |> Scenario.thenFires []
    |> everywhere
