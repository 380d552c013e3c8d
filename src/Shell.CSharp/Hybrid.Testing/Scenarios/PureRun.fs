// Runs a scenario on the pure definitions alone: the log is an array, lookups and reads are the core's pure
// selection and fold, conditions the core's pure evaluation. No store, no engine: what the definitions decide.
module internal Hybrid.Testing.PureRun

open Hybrid

let private definition<'T> (kind: DefinitionKind) (name: string) (registry: Registry) =
    match Registry.tryFind kind name registry with
    | Some d -> Some(d.Value :?> 'T)
    | None -> None

let private head (log: RecordedEvent[]) = if log.Length = 0 then Names.Start else log.[log.Length - 1].Position

/// What a command's lookup reads from the log, as the command processor would read it.
let lookUp (log: RecordedEvent[]) (lookup: Lookup) =
    let position = head log
    match lookup with
    | Lookup.Events query -> LookedUp.OfEvents(position, EventQuery.select (Command.readQuery query position) log)
    | Lookup.Streams streams ->
        LookedUp.OfStreams(
            position,
            [ for s in List.distinct streams ->
                  let struct (version, _) = History.streamState log s
                  s, version, log |> Array.filter (fun e -> e.Stream = s) ])

let private invalid (e: Validation.Error) = Observed.Invalid(e.Field, e.Message)

/// The checks the command processor runs before it looks anything up, in its order: the definition's own checks, the
/// caller (the core's Caller.validate), a null request, authorization.
let private admitted (d: CommandDefinition) (caller: Caller) (payload: obj) =
    (if isNull payload then Ok() else d.Validate payload |> Result.mapError invalid)
    |> Result.bind (fun () -> Caller.validate caller |> Result.mapError invalid)
    |> Result.bind (fun () -> if isNull payload then Error(Observed.Invalid("body", "The command is null.")) else Ok())
    |> Result.bind (fun () ->
        match d.Check(caller, payload) with
        | Authorization.Denied reason -> Error(Observed.Unauthorized reason)
        | Authorization.Allowed -> Ok())

/// What a store refuses to read: the lookup's stream ids and query (the core's rules, as every store checks them).
let private lookupErrors (lookup: Lookup) =
    match lookup with
    | Lookup.Events query -> Validation.query query
    | Lookup.Streams streams -> streams |> List.fold (fun r s -> r |> Result.bind (fun () -> Validation.stream "stream" s)) (Ok())

let private command (log: RecordedEvent[]) (scenario: Scenario) registry (caller: Caller) name (payload: obj) (concurrently: EventData list) =
    match definition<CommandDefinition> DefinitionKind.Command name registry with
    | None -> Observed.Failed $"the command '{name}' is not registered"
    | Some d ->
        match admitted d caller payload with
        | Error refused -> refused
        | Ok() ->
            let context = DecisionContext.Of(caller, scenario.Now)
            let lookup = d.LookupFor(context, payload)
            match lookupErrors lookup with
            | Error e -> invalid e
            | Ok() ->
                let looked = lookUp log lookup
                match Command.checkExpected scenario.ExpectedVersion lookup looked with
                | Error(CommandOutcome.VersionMismatch failure) -> Observed.VersionMismatch failure.Reason
                | Error(CommandOutcome.Invalid e) -> invalid e
                | Error other -> Observed.Failed $"the command ended '{other}'"
                | Ok() ->
                    match d.Run(context, payload, looked) with
                    | CommandDecision.Reject r -> Observed.Rejected r
                    | CommandDecision.NotFound what -> Observed.NotFound what
                    | CommandDecision.Accept(events, _) when events.IsEmpty -> Observed.Wrote []
                    | CommandDecision.Accept(events, _) ->
                        let condition = Command.condition lookup looked
                        let ids = events |> List.mapi (fun i _ -> History.idOf caller.Tenant (head log + int64 i + 1L))
                        let request = AppendRequest.Of(caller.Tenant, Command.propose ids (Command.metadata caller ids.Head) events).When(condition)
                        // What the decision writes is checked as every store checks an append (the core's Append.validate).
                        match Append.validate InputLimits.Default request with
                        | Error e -> invalid e
                        | Ok() ->
                            let now = History.appendAt History.epoch log concurrently
                            match AppendCondition.evaluate (AppendCondition.readerOfLog now (History.streamState now)) condition with
                            | Ok() -> Observed.Wrote events
                            | Error failure -> Observed.Conflict failure.Reason

let private view (log: RecordedEvent[]) (tenant: TenantId) (model: ReadModelDefinition) (scope: string) =
    { Model = model.Name; Tenant = tenant; Scope = scope; State = ReadModel.plainRead model scope log; Position = head log }

let private readModel log tenant registry name scope =
    match definition<ReadModelDefinition> DefinitionKind.ReadModel name registry with
    | None -> Observed.Failed $"the read model '{name}' is not registered"
    | Some model -> Observed.Value((view log tenant model scope).State)

let private query log registry (caller: Caller) name (request: obj) =
    match definition<QueryDefinition> DefinitionKind.Query name registry with
    | None -> Observed.Failed $"the query '{name}' is not registered"
    | Some d ->
        let admitted =
            (if isNull request then Ok() else d.Validate request |> Result.mapError invalid)
            |> Result.bind (fun () -> Caller.validate caller |> Result.mapError invalid)
            |> Result.bind (fun () -> if isNull request then Error(Observed.Invalid("body", "The query is null.")) else Ok())
            |> Result.bind (fun () ->
                match d.Check(caller, request) with
                | Authorization.Denied reason -> Error(Observed.Unauthorized reason)
                | Authorization.Allowed -> Ok())
        match admitted with
        | Error refused -> refused
        | Ok() ->
            let reads = d.ReadsFor request
            let views =
                reads.Views
                |> List.map (fun v ->
                    match definition<ReadModelDefinition> DefinitionKind.ReadModel v.Model registry with
                    | Some model -> view log caller.Tenant model v.Scope
                    | None -> invalidOp $"Query '{name}' reads read model '{v.Model}', which is not registered.")
            let events = match reads.Events with Some q -> EventQuery.select q log | None -> [||]
            match d.Run(caller, request, { Views = views; Events = events }) with
            | QueryAnswer.Found value -> Observed.Value value
            | QueryAnswer.NotFound what -> Observed.NotFound what

/// What a processor's host gives its handler: its event lookups read from the log (views and queries need engines,
/// which only a store run has).
let private processorContext (log: RecordedEvent[]) tenant (processor: TodoProcessor) (e: RecordedEvent) =
    let bare = ProcessorContext.Of(tenant, processor.Name)
    let events =
        processor.Lookup bare e
        |> List.choose (function
            | ProcessorLookup.Events(name, query) -> Some(name, EventQuery.select query log)
            | _ -> None)
    { bare with Reads = { ProcessorReads.Empty with Events = Map.ofList events } }

let private handle log tenant (processor: TodoProcessor) event =
    let withEvent = History.appendAt History.epoch log [ event ] |> Array.map (fun e -> { e with Tenant = tenant })
    let e = withEvent.[withEvent.Length - 1]
    // A host only hands a processor the events of its topics.
    if not (EventQuery.matchesTypeAndTags (TodoProcessor.query processor Names.Start) e.Type e.Tags) then Observed.Handled([], [])
    else
        match processor.Handle (processorContext withEvent tenant processor e) e with
        | ProcessorResult.Emit events -> Observed.Handled(events, [])
        | ProcessorResult.Effect(intent, _) -> Observed.Handled([], [ intent ])
        | ProcessorResult.EffectThen plan -> Observed.Handled(plan.OnSuccess, [ plan.Intent ])
        | ProcessorResult.NoOp -> Observed.Handled([], [])

let private schedule (log: RecordedEvent[]) tenant (task: PeriodicTask) from upTo =
    let runs =
        match task.Tenants with
        | OnlyTenants tenants -> List.contains tenant tenants
        | AllTenants -> log.Length > 0
    if not runs then Observed.Fired []
    else
        let triggers = log |> Array.filter (fun e -> e.Type = Triggers.TriggeredType && e.HasTag(Triggers.taskTag task.Name))
        let last = Triggers.lastDue task.Name triggers |> Option.defaultValue from
        let plan = Schedules.plan task last upTo
        // Each instant's append is written under its condition (not fired yet, and the task's own), against the log
        // as the earlier instants left it: an instant whose condition fails is declined, as a scheduler declines it.
        let fire (log: RecordedEvent[], fired) due =
            let tick = { Task = task.Name; Tenant = tenant; DueAt = due }
            let events = Triggers.events task tick
            match AppendCondition.evaluate (AppendCondition.readerOfLog log (History.streamState log)) (Triggers.conditionOf task tick) with
            | Ok() -> History.appendAt upTo log events, (due, events |> List.map (fun e -> e.Type)) :: fired
            | Error _ -> log, fired
        let _, fired = plan.Fire |> List.fold fire (log, [])
        Observed.Fired(List.rev fired)

/// Runs the scenario on its pure definitions after the given log (the scenario's given events are appended to it).
let runOn (before: RecordedEvent[]) (scenario: Scenario) =
    let tenant = scenario.Tenant
    let log = History.appendAt History.epoch before scenario.Given |> Array.map (fun e -> { e with Tenant = tenant })
    let inTenant (c: Caller) = { c with Tenant = tenant }
    match scenario.When with
    | When.Nothing -> Observed.Idle
    | When.Command(registry, caller, name, payload, concurrently) -> command log scenario registry (inTenant caller) name payload concurrently
    | When.ReadModel(registry, name, scope) -> readModel log tenant registry name scope
    | When.Query(registry, caller, name, request) -> query log registry (inTenant caller) name request
    | When.Handle(processor, event) -> handle log tenant processor event
    | When.Schedule(task, from, upTo) -> schedule log tenant task from upTo

/// Runs the scenario on its pure definitions.
let run (scenario: Scenario) = runOn [||] scenario
