// The sample written as the framework's definitions: commands (lookup, operate, write), queries over read
// models, read models, processors and the monthly billing task. Everything here is pure: the shells run it.
module Hybrid.Sample.Definitions

open System
open Hybrid
open Hybrid.Sample.ReadModels
open Hybrid.Sample.Requests

let private authorizeBy (allowed: Caller -> bool) (what: string) (caller: Caller) (_: 'Request) =
    if allowed caller then Authorization.Allowed
    else
        let who = if caller.IsAuthenticated then $"'{caller.Actor}'" else "An anonymous caller"
        Authorization.Denied $"{who} may not {what} in tenant '{caller.Tenant}'."

let private decision encode (decided: Result<'Event list, string>) =
    match decided with
    | Ok events -> CommandDecision.Accept(events |> List.map encode, None)
    | Error reason -> CommandDecision.Reject(Rejection.create "rejected" reason)

/// How a todo list's stream folds: one fold shared by every todo-list command, so they share the states a shell keeps.
let private todoFold: StreamFold<TodoLists.Fold.State> =
    { Initial = TodoLists.Fold.initial
      Evolve = fun state e -> match TodoLists.Events.tryDecode e with Some ev -> TodoLists.Fold.evolve state ev | None -> state }

/// A todo-list command: reads the list's stream, decides over its folded state, writes to it at the version read.
let private todoCommand<'R> (name: string) (listOf: 'R -> string) (toCommand: 'R -> TodoLists.Command) =
    Command.ofStreamFold<'R, _> name todoFold (fun r -> [ TodoLists.streamId (listOf r) ]) (fun context r states ->
        TodoLists.decide context.Caller.Actor (toCommand r) states.[TodoLists.streamId (listOf r)] |> decision TodoLists.Events.encode)
    |> Command.validate<'R> (fun r -> checkListId (listOf r))
    |> Command.authorize<'R> (authorizeBy Access.canEditLists "edit todo lists")
    |> Command.emits (List.ofArray TodoLists.Events.types)
    |> fun d -> { d with Aggregate = "todolist" }

/// Invites a customer: reads the events tagged with the email and appends only if none appeared since.
let private inviteCommand =
    let emailKey (context: DecisionContext) (r: InviteCustomer) =
        Invites.emailTag context.TagKey (match Invites.validateEmail r.Email with Ok e -> e | Error _ -> "-")
    Command.defineIn<InviteCustomer> "InviteCustomer" (fun context r -> Lookup.Events(EventQuery.OfTags(emailKey context r))) (fun context r looked ->
        let existing = looked.Events |> Seq.choose Invites.Events.tryDecode |> List.ofSeq
        Invites.decide context.Caller.Actor context.Now { CustomerId = r.CustomerId; Email = r.Email } existing
        |> decision (Invites.Events.encodeWith context.TagKey))
    |> Command.validate<InviteCustomer> (fun r -> checkId "customerId" r.CustomerId)
    |> Command.authorize<InviteCustomer> (authorizeBy Access.isAdmin "invite customers")
    |> Command.emits (List.ofArray Invites.Events.types)

/// Every command.
let commands: CommandDefinition list =
    [ todoCommand<CreateList> "CreateList" (fun r -> r.ListId) (fun r -> TodoLists.Create(r.ListId, r.Name))
      todoCommand<RenameList> "RenameList" (fun r -> r.ListId) (fun r -> TodoLists.Rename(r.ListId, r.Name))
      todoCommand<AddItem> "AddItem" (fun r -> r.ListId) (fun r -> TodoLists.AddItem(r.ListId, r.Text))
      todoCommand<CompleteItem> "CompleteItem" (fun r -> r.ListId) (fun r -> TodoLists.Complete(r.ListId, r.ItemId))
      todoCommand<DeleteItem> "DeleteItem" (fun r -> r.ListId) (fun r -> TodoLists.DeleteItem(r.ListId, r.ItemId))
      todoCommand<ClearCompleted> "ClearCompleted" (fun r -> r.ListId) (fun r -> TodoLists.ClearCompleted r.ListId)
      todoCommand<DeleteList> "DeleteList" (fun r -> r.ListId) (fun r -> TodoLists.DeleteList r.ListId)
      inviteCommand ]

/// The read models, each readable after a command (read-your-writes `views=`) by whoever its queries answer.
let readModels: ReadModelDefinition list =
    [ ReadModel.ofRecorded TodoListsView.Name 1 (List.ofArray TodoListsView.eventTypes) TodoListsView.initial TodoListsView.evolve
      |> ReadModel.readableBy Access.canRead
      ReadModel.ofRecorded CustomersView.Name 1 (List.ofArray CustomersView.eventTypes) CustomersView.initial CustomersView.evolve
      |> ReadModel.readableBy Access.canRead
      ReadModel.ofRecorded BillingView.Name 1 (List.ofArray BillingView.eventTypes) BillingView.initial BillingView.evolve
      |> ReadModel.readableBy Access.isAdmin
      ReadModel.ofRecorded LeaderboardView.Name 1 (List.ofArray LeaderboardView.eventTypes) LeaderboardView.initial LeaderboardView.evolve
      |> ReadModel.readableBy Access.canRead ]

let private answer (outcome: Queries.QueryOutcome<'T>) =
    match outcome with
    | Queries.Answer value -> QueryAnswer.Found(box value)
    | Queries.Unauthorized reason -> QueryAnswer.NotFound reason

let private overModel<'Q, 'S, 'T> (name: string) (model: string) (allowed: Caller -> bool) (what: string) (run: Caller -> 'Q -> 'S -> Queries.QueryOutcome<'T>) =
    Query.overViews<'Q> name [ model ] (fun _ -> [ ViewRef.Of model ]) (fun caller q views -> answer (run caller q (views.Head.State :?> 'S)))
    |> Query.authorize<'Q> (authorizeBy allowed $"read {what}")
    |> Query.returns<'T>

/// Every query.
let queries: QueryDefinition list =
    [ overModel<Page, _, _> "lists" TodoListsView.Name Access.canRead "todo lists" (fun c q v -> Queries.lists c v |> Queries.page q.Limit) |> Query.validate checkPage
      overModel<ListById, _, _> "list" TodoListsView.Name Access.canRead "todo lists" (fun c q v -> Queries.list c q.ListId v)
      |> Query.validate (fun (q: ListById) -> checkListId q.ListId)
      overModel<Page, _, _> "customers" CustomersView.Name Access.canRead "customers" (fun c q v -> Queries.customers c v |> Queries.page q.Limit) |> Query.validate checkPage
      overModel<Page, _, _> "leaderboard" LeaderboardView.Name Access.canRead "the leaderboard" (fun c q v -> Queries.leaderboard c v |> Queries.page q.Limit)
      |> Query.validate checkPage
      overModel<Page, _, _> "invoices" BillingView.Name Access.isAdmin "invoices" (fun c q v -> Queries.invoices c v |> Queries.page q.Limit) |> Query.validate checkPage ]

let private handler (decide: RecordedEvent -> Processors.Decision) =
    Func<ProcessorContext, RecordedEvent, ProcessorResult>(fun _ e ->
        match decide e with
        | Processors.EmitEvents events -> ProcessorResult.Emit events
        | Processors.SendEmail email -> ProcessorResult.AtLeastOnce(EffectIntent.Of(Effects.SendEmail, email))
        | Processors.ChargeCard(invoice, cents) ->
            let charge: Effects.Charge = { InvoiceId = invoice; AmountCents = cents }
            // At most once; the outcome is recorded: paid when the charge went through, failed when it never did.
            ProcessorResult.Then(
                EffectIntent.Of(Effects.ChargeCard, charge),
                CheckpointTiming.Before,
                [| Payments.Events.encode (Payments.Events.InvoicePaid { InvoiceId = invoice; AmountCents = cents }) |],
                [| Payments.Events.encode (Payments.Events.ChargeFailed { InvoiceId = invoice; AmountCents = cents }) |])
        | Processors.Ignore -> ProcessorResult.NoOp)

/// The processors.
let processors: TodoProcessor list =
    [ TodoProcessor.Create(Processors.InviteEmails, [| QueryItem.OfTypes "CustomerInvited" |], handler Processors.inviteEmails)
      TodoProcessor.Create(Processors.PointsAwarding, [| QueryItem.OfTypes "ItemCompleted" |], handler Processors.points)
      TodoProcessor.Create(Processors.Invoicing, [| QueryItem.OfTypes "BillingDue" |], handler Processors.invoicing)
      TodoProcessor.Create(Processors.Charging, [| QueryItem.OfTypes "InvoiceIssued" |], handler Processors.charging) ]

/// The process managers.
let processManagers: ProcessManager list = [ InviteReminders.manager ]

/// The personal data of the sample's events (hosts seal it with UseCryptoShredding): the invited email, per customer.
let personalData = PersonalDataPolicy([ Invites.personalData ])

/// Every processor a host runs: the processors, then one per process manager.
let hostedProcessors: TodoProcessor list = processors @ (processManagers |> List.map ProcessManager.toProcessor)

/// Monthly billing: midnight UTC on the first of each month, for every tenant; up to 3 missed months are caught up.
let billingTask: PeriodicTask =
    { PeriodicTask.Create(Billing.TaskName, Schedule.Cron(Billing.Cron, TimeZoneInfo.Utc),
                          Func<Tick, EventData[]>(fun tick -> Billing.onTick tick.Tenant tick.DueAt |> List.map Billing.Events.encode |> Array.ofList)) with
        MissedFires = CatchUp 3 }

/// The periodic tasks.
let periodicTasks = [ billingTask ]

/// The whole application: commands, queries, read models, processors and the billing task. A host needs nothing
/// else: services.AddHybrid(Definitions.registry, …).
let registry: Registry =
    Registry.empty
    |> fun r -> List.fold (fun r c -> WriteSide.addCommand c r) r commands
    |> fun r -> List.fold (fun r q -> WriteSide.addQuery q r) r queries
    |> WriteSide.addDecider "todolist" TodoLists.Events.codec
    |> WriteSide.addDecider "invite" Invites.Events.codec
    |> WriteSide.addDecider "billing" Billing.Events.codec
    |> WriteSide.addDecider "points" Points.Events.codec
    |> fun r -> List.fold (fun r m -> Runtime.addReadModel m r) r readModels
    |> fun r -> List.fold (fun r p -> Runtime.addProcessor p r) r processors
    |> fun r -> List.fold (fun r t -> Runtime.addPeriodicTask t r) r periodicTasks
