// The whole sample as the simulator runs it: its commands, read models, processors, the monthly billing task
// and a workload generator (many users issuing a mix of commands, some refused, some unauthorized).
module Hybrid.Sample.Application

open Hybrid
open Hybrid.Simulation
open Hybrid.Sample.ReadModels

let private readModel name types (initial: 'S) (evolve: 'S -> RecordedEvent -> 'S) : SimulatedReadModel =
    { Name = name; EventTypes = types; Initial = box initial; Evolve = fun s e -> box (evolve (unbox s) e) }

/// The read models.
let readModels =
    [ readModel TodoListsView.Name TodoListsView.eventTypes TodoListsView.initial TodoListsView.evolve
      readModel CustomersView.Name CustomersView.eventTypes CustomersView.initial CustomersView.evolve
      readModel BillingView.Name BillingView.eventTypes BillingView.initial BillingView.evolve
      readModel LeaderboardView.Name LeaderboardView.eventTypes LeaderboardView.initial LeaderboardView.evolve ]

let private asResult (decision: Processors.Decision) =
    match decision with
    | Processors.EmitEvents events -> Emit events
    | Processors.SendEmail email -> Effect({ Kind = "send email"; Text = $"to {email.To}: {email.Subject}" }, AtLeastOnce)
    | Processors.ChargeCard(invoice, cents) -> Effect({ Kind = "charge card"; Text = $"{invoice}: {decimal cents / 100m:F2} EUR" }, AtMostOnce)
    | Processors.Ignore -> NoOp

/// The processors.
let processors: SimulatedProcessor list =
    [ { Name = Processors.InviteEmails; Topics = Invites.Events.types; Handle = Processors.inviteEmails >> asResult }
      { Name = Processors.PointsAwarding; Topics = [| "ItemCompleted" |]; Handle = Processors.points >> asResult }
      { Name = Processors.Invoicing; Topics = [| "BillingDue" |]; Handle = Processors.invoicing >> asResult }
      { Name = Processors.Charging; Topics = [| "InvoiceIssued" |]; Handle = Processors.charging >> asResult } ]

/// The monthly billing task.
let billingTask: SimulatedPeriodicTask =
    { Name = Billing.TaskName
      Schedule = $"cron '{Billing.Cron}' (UTC)"
      DueBetween = Billing.dueBetween
      OnTick = fun tenant due -> Billing.onTick tenant due |> List.map Billing.Events.encode }

/// The users of every tenant.
let users: SimulatedUser list =
    [ { Name = "ann"; Roles = [| Access.Roles.Admin; Access.Roles.Member |] }
      { Name = "bob"; Roles = [| Access.Roles.Member |] }
      { Name = "cat"; Roles = [| Access.Roles.Member |] }
      { Name = "eve"; Roles = [| Access.Roles.Member |] }
      { Name = "dan"; Roles = [| Access.Roles.Viewer |] } ]

let private words = [| "milk"; "eggs"; "bread"; "call mum"; "pay rent"; "fix bike"; "read book"; "water plants" |]
let private names = [| "Groceries"; "Chores"; "Work"; "Holidays"; "Reading" |]

let private todoCommand (choose: IChooser) =
    let listId () = $"list-{choose.Next 8 + 1}"
    let pick (xs: string[]) = xs.[choose.Next xs.Length]
    match choose.Next 79 with
    | n when n < 12 -> Commands.todo (TodoLists.Create(listId (), pick names))
    | n when n < 17 -> Commands.todo (TodoLists.Rename(listId (), pick names))
    | n when n < 45 -> Commands.todo (TodoLists.AddItem(listId (), pick words))
    | n when n < 62 -> Commands.todo (TodoLists.Complete(listId (), choose.Next 6 + 1))
    | n when n < 70 -> Commands.todo (TodoLists.DeleteItem(listId (), choose.Next 6 + 1))
    | n when n < 76 -> Commands.todo (TodoLists.ClearCompleted(listId ()))
    | _ -> Commands.todo (TodoLists.DeleteList(listId ()))

let private inviteCommand (choose: IChooser) =
    match choose.Next 100 with
    | n when n < 10 -> Commands.invite { CustomerId = $"c-{choose.Next 1000}"; Email = (if choose.Chance 0.5 then "" else "not-an-email") }
    | _ ->
        let n = choose.Next 200
        Commands.invite { CustomerId = $"c-{n}"; Email = $"customer{n}@example.com" }

/// The next command a user tries: lists and emails come from small pools, so commands collide, repeat and get
/// refused as real users' do. Admins mostly invite, members and viewers mostly edit lists; one try in twenty is
/// anything at all, so authorization is probed too.
let nextCommand (choose: IChooser) (user: SimulatedUser) : SimulatedCommand =
    let isAdmin = Array.contains Access.Roles.Admin user.Roles
    let invites = if choose.Chance 0.05 then choose.Chance 0.5 else isAdmin && choose.Chance 0.6
    if invites then inviteCommand choose else todoCommand choose

/// The sample application.
let simulated: SimulatedApplication =
    { Name = "todo & invites sample"
      Users = users
      NextCommand = nextCommand
      ReadModels = readModels
      Processors = processors
      PeriodicTasks = [ billingTask ] }
