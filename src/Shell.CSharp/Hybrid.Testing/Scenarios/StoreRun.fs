// Runs a scenario on a real store through the framework's own engines (command processor, read-model engine, query
// processor, a stepped processor host, the periodic scheduler), in a fresh tenant of the store.
module internal Hybrid.Testing.StoreRun

open System
open System.Threading
open System.Threading.Tasks
open Hybrid
open Hybrid.InMemory.Leases
open Hybrid.InMemory.Processors
open Hybrid.InMemory.Time
open Hybrid.Shell.Commands
open Hybrid.Shell.Ids
open Hybrid.Shell.Middleware
open Hybrid.Shell.Processors
open Hybrid.Shell.Queries
open Hybrid.Shell.ReadModels
open Hybrid.Shell.Scheduling
open Microsoft.Extensions.Logging.Abstractions

let private none = CancellationToken.None

/// A tenant no other run uses, starting with the scenario's tenant.
let freshTenant (tenant: TenantId) =
    let prefix = if tenant.Length > 24 then tenant.Substring(0, 24) else tenant
    $"{prefix}-{Guid.NewGuid():N}"

/// Appends event data unconditionally, with fresh ids; the recorded events.
let appendAll (store: IEventStore) (tenant: TenantId) (events: EventData list) =
    task {
        if events.IsEmpty then return [||]
        else
            let proposed = events |> List.map (fun d -> { Id = Guid.CreateVersion7(); Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
            match! store.Append(AppendRequest.Of(tenant, proposed), none) with
            | AppendResult.Appended recorded -> return recorded
            | AppendResult.ConditionFailed failure -> return invalidOp $"Tenant '{tenant}': the given events were refused: {failure.Reason}"
    }

/// A store on which another writer appends the concurrent events just before the tenant's next append.
type private Interleaving(inner: IEventStore, tenant: TenantId, events: EventData list) =
    inherit DelegatingEventStore(inner)
    let mutable pending = events

    override _.Append(request, ct) =
        if request.Tenant = tenant && not pending.IsEmpty then
            let these = pending
            pending <- []
            task {
                let! _ = appendAll inner tenant these
                return! inner.Append(request, ct)
            }
        else inner.Append(request, ct)

let private ofCommandOutcome (outcome: CommandOutcome) =
    match outcome with
    | CommandOutcome.Accepted accepted -> Observed.Wrote(accepted.Events |> Array.map (fun e -> e.Data) |> List.ofArray)
    | CommandOutcome.Rejected r -> Observed.Rejected r
    | CommandOutcome.Unauthorized reason -> Observed.Unauthorized reason
    | CommandOutcome.NotFound what -> Observed.NotFound what
    | CommandOutcome.Conflict(_, reason) -> Observed.Conflict reason
    | CommandOutcome.Invalid e -> Observed.Invalid(e.Field, e.Message)
    | CommandOutcome.VersionMismatch failure -> Observed.VersionMismatch failure.Reason
    | CommandOutcome.UnknownCommand name -> Observed.Failed $"the command '{name}' is not registered"
    | other -> Observed.Failed $"the command ended '{CommandProcessor.OutcomeName other}': {other}"

let private command (store: IEventStore) tenant (scenario: Scenario) registry (caller: Caller) name (payload: obj) concurrently =
    task {
        let writer = if List.isEmpty concurrently then store else Interleaving(store, tenant, concurrently) :> IEventStore
        // Decisions see the same instant as on the pure definitions (the scenario's Now), so the events they write compare.
        let processor =
            CommandProcessor(writer, UuidV7IdSource.System, CommandCatalog.Of registry, CommandProcessorOptions(MaxAttempts = 1),
                             clock = VirtualClock(scenario.Now))
        let options = match scenario.ExpectedVersion with Some expected -> CommandOptions(ExpectedVersion = expected) | None -> null
        let! outcome = processor.ExecuteAsync(caller, name, payload, options, none)
        return ofCommandOutcome outcome
    }

let private readModel (store: IEventStore) tenant (registry: Registry) name scope =
    task {
        use engine = new ReadModelEngine(store, registry)
        let! view = engine.Read(tenant, name, scope, none)
        return Observed.Value view.State
    }

let private query (store: IEventStore) (registry: Registry) (caller: Caller) name (request: obj) =
    task {
        use engine = new ReadModelEngine(store, registry)
        let! outcome = QueryProcessor.Of(registry, store, engine).ExecuteAsync(caller, name, request, none)
        return
            match outcome with
            | QueryOutcome.Answered(value, _) -> Observed.Value value
            | QueryOutcome.Unauthorized reason -> Observed.Unauthorized reason
            | QueryOutcome.NotFound what -> Observed.NotFound what
            | QueryOutcome.Invalid e -> Observed.Invalid(e.Field, e.Message)
            | QueryOutcome.UnknownQuery name -> Observed.Failed $"the query '{name}' is not registered"
    }

let private handle (store: IEventStore) tenant (before: Position) (processor: TodoProcessor) (event: EventData) =
    task {
        // The pure handler first: a handler that throws fails the scenario at once instead of being retried.
        let recorded = (History.record tenant [ event ]).[0]
        let expectedKind =
            if not (EventQuery.matchesTypeAndTags (TodoProcessor.query processor Names.Start) recorded.Type recorded.Tags) then []
            else
                match processor.Handle (ProcessorContext.Of(tenant, processor.Name)) recorded with
                | ProcessorResult.Effect(intent, _) -> [ intent.Kind ]
                | ProcessorResult.EffectThen plan -> [ plan.Intent.Kind ]
                | _ -> []
        let! handled = appendAll store tenant [ event ]
        do! store.ResetCheckpoint(tenant, processor.Name, before, none)
        let effects = Collections.Concurrent.ConcurrentQueue<EffectIntent>()
        let handlers =
            expectedKind
            |> List.map (fun kind ->
                DelegateEffectHandler(kind, fun context _ -> effects.Enqueue context.Intent; Task.CompletedTask) :> IEffectHandler)
        let clock = VirtualClock(DateTimeOffset.UtcNow)
        let options = ProcessorOptions(NodeId = "scenario", RunInBackground = false, JitterSource = (fun () -> 0.5))
        let runtime = ProcessorRuntime(store, InMemoryLeaseStore(clock), InMemoryDeadLetterStore(), EffectHandlers(handlers), clock, options, NullLogger.Instance)
        let single = { processor with Sharding = PerTenant }
        let host = new TodoProcessorHost(runtime, [ single ])
        do! host.Rebalance(none)
        let mutable steps = 0
        let mutable more = true
        while more && steps < 100 do
            let! stepped = host.StepAsync(processor.Name, tenant, none)
            more <- stepped
            steps <- steps + 1
        do! host.DisposeAsync()
        let! after = store.Read(tenant, EventQuery.All.AfterPosition(handled.[0].Position), none)
        let actor = Simulation.Simulated.processorActor processor.Name
        let emitted = after |> Array.filter (fun e -> e.Metadata.Actor = actor) |> Array.map (fun e -> e.Data) |> List.ofArray
        return Observed.Handled(emitted, List.ofSeq effects)
    }

let private schedule (store: IEventStore) (named: TenantId) tenant (hasEvents: bool) (periodic: PeriodicTask) (from: DateTimeOffset) (upTo: DateTimeOffset) =
    task {
        // A task naming tenants names the scenario's tenant, not the fresh one the run writes to.
        let runsHere =
            match periodic.Tenants with
            | OnlyTenants tenants -> List.contains named tenants
            | AllTenants -> hasEvents
        if not runsHere then return Observed.Fired []
        else
            let clock = VirtualClock(from)
            let only = { periodic with Tenants = OnlyTenants [ tenant ] }
            let scheduler = new PeriodicScheduler(store, UuidV7IdSource(clock), clock, [ only ], SchedulerOptions(), NullLogger.Instance)
            clock.SetUtcNow upTo
            let! _ = scheduler.RunDue(none)
            do! scheduler.DisposeAsync()
            let! events = store.Read(tenant, EventQuery.OfTags(Triggers.taskTag periodic.Name), none)
            let! all = store.Read(tenant, EventQuery.All, none)
            return
                Observed.Fired
                    [ for trigger in events do
                          match trigger.Tags |> Array.tryPick (Triggers.tryParseDue periodic.Name) with
                          | Some due ->
                              let tag = Triggers.tag periodic.Name due
                              yield due, all |> Array.filter (fun e -> e.HasTag tag) |> Array.map (fun e -> e.Type) |> List.ofArray
                          | None -> () ]
    }

/// Runs the scenario on the store: its given events in a fresh tenant, then its step through the engines.
let run (factory: StoreFactory) (scenario: Scenario) : Task<Observed> =
    task {
        let! store = factory.Open()
        let tenant = freshTenant scenario.Tenant
        let! given = appendAll store tenant scenario.Given
        let inTenant (c: Caller) = { c with Tenant = tenant }
        let head = if given.Length = 0 then Names.Start else given.[given.Length - 1].Position
        match scenario.When with
        | When.Nothing -> return Observed.Idle
        | When.Command(registry, caller, name, payload, concurrently) -> return! command store tenant scenario registry (inTenant caller) name payload concurrently
        | When.ReadModel(registry, name, scope) -> return! readModel store tenant registry name scope
        | When.Query(registry, caller, name, request) -> return! query store registry (inTenant caller) name request
        | When.Handle(processor, event) -> return! handle store tenant head processor event
        | When.Schedule(periodic, from, upTo) -> return! schedule store scenario.Tenant tenant (given.Length > 0) periodic from upTo
    }
