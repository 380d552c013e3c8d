// Building scenarios and running them: on the pure definitions, on one store, or on the definitions and every store.
namespace Hybrid.Testing

open System
open System.Runtime.CompilerServices
open System.Threading.Tasks
open Hybrid

/// Building scenarios step by step: Scenario.named "…" |> Scenario.given […] |> Scenario.whenCommand … |> Scenario.thenEvents […].
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Scenario =

    /// A scenario with a name (shown in every failure), nothing given, nothing happening.
    let named (name: string) = Scenario.Create name

    /// The events already in the log (in order).
    let given (events: EventData list) (s: Scenario) = { s with Given = s.Given @ events }

    /// The tenant the scenario runs in (stores run it in a fresh tenant of this name plus a suffix). A tenant id the
    /// core refuses (Validation.tenant) throws ArgumentException naming the scenario, before anything runs.
    let inTenant (tenant: TenantId) (s: Scenario) =
        match Validation.tenant tenant with
        | Error e -> invalidArg "tenant" $"Scenario '{s.Name}': {e.Message}"
        | Ok() -> { s with Tenant = tenant }

    /// The instant the command's decision sees as DecisionContext.Now, on the definitions and on every store.
    let at (now: DateTimeOffset) (s: Scenario) = { s with Now = now }

    /// The caller expects the command's stream at this version (HTTP If-Match): ExpectedVersion.Exact n, NoStream, …
    let expectingVersion (expected: ExpectedVersion) (s: Scenario) = { s with ExpectedVersion = Some expected }

    /// An authenticated caller of the scenario's tenant with these roles.
    let caller (actor: string) (roles: string list) = { Tenant = "tenant-1"; Actor = actor; Roles = Array.ofList roles; CorrelationId = "" }

    /// A caller with no identity and no roles.
    let anonymous = { Tenant = "tenant-1"; Actor = ""; Roles = [||]; CorrelationId = "" }

    /// The caller runs the registered command with a typed payload.
    let whenCommand (registry: Registry) (caller: Caller) (command: string) (payload: obj) (s: Scenario) =
        { s with When = When.Command(registry, caller, command, payload, []) }

    /// Another writer appends these events between the command's lookup and its append.
    let concurrently (events: EventData list) (s: Scenario) =
        match s.When with
        | When.Command(r, c, n, p, earlier) -> { s with When = When.Command(r, c, n, p, earlier @ events) }
        | _ -> invalidArg "s" $"Scenario '{s.Name}': concurrent events apply only to a command (call whenCommand first)."

    /// A read of the read model's whole view.
    let whenReadModel (registry: Registry) (model: string) (s: Scenario) = { s with When = When.ReadModel(registry, model, "") }

    /// A read of one scope of the read model (an entity key, a partition, a scoped instance).
    let whenReadModelScope (registry: Registry) (model: string) (scope: string) (s: Scenario) =
        { s with When = When.ReadModel(registry, model, scope) }

    /// The caller runs the registered query with a typed request.
    let whenQuery (registry: Registry) (caller: Caller) (query: string) (request: obj) (s: Scenario) =
        { s with When = When.Query(registry, caller, query, request) }

    /// The processor handles the event (appended after the given events).
    let whenHandling (processor: TodoProcessor) (event: EventData) (s: Scenario) = { s with When = When.Handle(processor, event) }

    /// A scheduler of the task starts at `from` and runs once at `upTo`.
    let whenScheduled (task: PeriodicTask) (from: DateTimeOffset) (upTo: DateTimeOffset) (s: Scenario) =
        { s with When = When.Schedule(task, from, upTo) }

    /// The command writes exactly these events (none: accepted, nothing to write).
    let thenEvents (events: EventData list) (s: Scenario) = { s with Then = Then.Events events }

    /// The command is refused by a business rule with this code ("" for any code).
    let thenRejected (code: string) (s: Scenario) = { s with Then = Then.Rejected code }

    /// The caller is refused.
    let thenUnauthorized (s: Scenario) = { s with Then = Then.Unauthorized }

    /// The target does not exist.
    let thenNotFound (s: Scenario) = { s with Then = Then.NotFound }

    /// The command's append fails its condition (use with concurrently).
    let thenConflict (s: Scenario) = { s with Then = Then.Conflict }

    /// The command or query is refused as invalid input naming the field ("" for any field): the request's own checks,
    /// the caller, or a stream id, tag or body of what the decision would write, as every store refuses it.
    let thenInvalid (field: string) (s: Scenario) = { s with Then = Then.Invalid field }

    /// The command's stream is not at the version the scenario expects (use with expectingVersion).
    let thenVersionMismatch (s: Scenario) = { s with Then = Then.VersionMismatch }

    /// The read model's view, or the query's answer, equals the value.
    let thenState (value: obj) (s: Scenario) = { s with Then = Then.State value }

    /// The processor emits exactly these events.
    let thenEmits (events: EventData list) (s: Scenario) = { s with Then = Then.Emits events }

    /// The processor runs one effect of the kind with the payload.
    let thenEffect (kind: string) (payload: obj) (s: Scenario) = { s with Then = Then.Effect(kind, payload) }

    /// The processor does nothing.
    let thenNothing (s: Scenario) = { s with Then = Then.NoOp }

    /// The task fires exactly at these instants.
    let thenFires (instants: DateTimeOffset list) (s: Scenario) = { s with Then = Then.Fires instants }

    /// The definition the scenario's step runs, for a failure message.
    let private stepOf (scenario: Scenario) =
        match scenario.When with
        | When.Nothing -> "nothing"
        | When.Command(_, _, name, _, _) -> $"the command '{name}'"
        | When.ReadModel(_, name, _) -> $"the read model '{name}'"
        | When.Query(_, _, name, _) -> $"the query '{name}'"
        | When.Handle(processor, _) -> $"the processor '{processor.Name}'"
        | When.Schedule(task, _, _) -> $"the periodic task '{task.Name}'"

    let private attempt (scenario: Scenario) (target: string) (observe: unit -> Task<Observed>) =
        task {
            try
                let! observed = observe ()
                return Judge.check scenario target observed
            with error ->
                let error = match error with :? AggregateException as a when a.InnerExceptions.Count = 1 -> a.InnerException | e -> e
                let frame = Judge.userFrame error
                return Some $"Scenario '{scenario.Name}' on {target}: {stepOf scenario} threw {error.GetType().Name}: {error.Message}{frame}"
        }

    /// Runs the scenario on the pure definitions: None when it went as expected, else the failure.
    let tryVerify (scenario: Scenario) =
        (attempt scenario "the pure definitions" (fun () -> Task.FromResult(PureRun.run scenario))).GetAwaiter().GetResult()

    /// Runs the scenario on the store: None when it went as expected, else the failure.
    let tryVerifyOn (store: StoreFactory) (scenario: Scenario) = attempt scenario $"the {store.Name} store" (fun () -> StoreRun.run store scenario)

    /// Runs the scenario on the pure definitions; throws ScenarioFailedException showing expected and actual.
    let verify (scenario: Scenario) =
        match tryVerify scenario with
        | Some failure -> raise (ScenarioFailedException failure)
        | None -> ()

    /// Runs the scenario on the store; throws ScenarioFailedException showing expected and actual.
    let verifyOn (store: StoreFactory) (scenario: Scenario) : Task =
        task {
            match! tryVerifyOn store scenario with
            | Some failure -> return raise (ScenarioFailedException failure)
            | None -> return ()
        }

    /// Runs the scenario on the pure definitions and, unchanged, on every store; throws one ScenarioFailedException
    /// listing every target where it did not go as expected.
    let verifyEverywhere (stores: StoreFactory list) (scenario: Scenario) : Task =
        task {
            let failures = ResizeArray(Option.toList (tryVerify scenario))
            for store in stores do
                match! tryVerifyOn store scenario with
                | Some failure -> failures.Add failure
                | None -> ()
            if failures.Count > 0 then raise (ScenarioFailedException(String.Join("\n\n", failures)))
        }

/// Building and running scenarios fluently from C#: Scenario.Named("…").Given(…).WhenCommand(…).ThenEvents(…).VerifyEverywhere(…).
[<Extension>]
type ScenarioExtensions =
    /// The events already in the log.
    [<Extension>]
    static member Given(s: Scenario, [<ParamArray>] events: EventData[]) = Scenario.given (List.ofArray events) s

    /// The tenant the scenario runs in; a tenant id the core refuses throws ArgumentException.
    [<Extension>]
    static member InTenant(s: Scenario, tenant: TenantId) = Scenario.inTenant tenant s

    /// The instant the command's decision sees as DecisionContext.Now.
    [<Extension>]
    static member At(s: Scenario, now: DateTimeOffset) = Scenario.at now s

    /// The caller expects the command's stream at this version (HTTP If-Match).
    [<Extension>]
    static member ExpectingVersion(s: Scenario, expected: ExpectedVersion) = Scenario.expectingVersion expected s

    /// The caller expects the command's stream at exactly this version.
    [<Extension>]
    static member ExpectingVersion(s: Scenario, version: int64) = Scenario.expectingVersion (ExpectedVersion.Exact version) s

    /// The caller runs the registered command with a typed payload.
    [<Extension>]
    static member WhenCommand(s: Scenario, registry: Registry, caller: Caller, command: string, payload: obj) =
        Scenario.whenCommand registry caller command payload s

    /// Another writer appends these events between the command's lookup and its append.
    [<Extension>]
    static member Concurrently(s: Scenario, [<ParamArray>] events: EventData[]) = Scenario.concurrently (List.ofArray events) s

    /// A read of the read model's whole view.
    [<Extension>]
    static member WhenReadModel(s: Scenario, registry: Registry, model: string) = Scenario.whenReadModel registry model s

    /// A read of a read model's view (an empty scope: the whole model).
    [<Extension>]
    static member WhenReadModel(s: Scenario, registry: Registry, model: string, scope: string) = Scenario.whenReadModelScope registry model scope s

    /// The caller runs the registered query.
    [<Extension>]
    static member WhenQuery(s: Scenario, registry: Registry, caller: Caller, query: string, request: obj) = Scenario.whenQuery registry caller query request s

    /// The processor handles the event.
    [<Extension>]
    static member WhenHandling(s: Scenario, processor: TodoProcessor, event: EventData) = Scenario.whenHandling processor event s

    /// A scheduler of the task starts at `from` and runs once at `upTo`.
    [<Extension>]
    static member WhenScheduled(s: Scenario, task: PeriodicTask, from: DateTimeOffset, upTo: DateTimeOffset) = Scenario.whenScheduled task from upTo s

    /// The command writes exactly these events.
    [<Extension>]
    static member ThenEvents(s: Scenario, [<ParamArray>] events: EventData[]) = Scenario.thenEvents (List.ofArray events) s

    /// The command is rejected with the code ("" for any).
    [<Extension>]
    static member ThenRejected(s: Scenario, code: string) = Scenario.thenRejected code s

    /// The caller is refused.
    [<Extension>]
    static member ThenUnauthorized(s: Scenario) = Scenario.thenUnauthorized s

    /// The target does not exist.
    [<Extension>]
    static member ThenNotFound(s: Scenario) = Scenario.thenNotFound s

    /// The command's append fails its condition.
    [<Extension>]
    static member ThenConflict(s: Scenario) = Scenario.thenConflict s

    /// The request is refused as invalid naming the field ("" for any).
    [<Extension>]
    static member ThenInvalid(s: Scenario, field: string) = Scenario.thenInvalid field s

    /// The command's stream is not at the expected version.
    [<Extension>]
    static member ThenVersionMismatch(s: Scenario) = Scenario.thenVersionMismatch s

    /// The view or answer equals the value.
    [<Extension>]
    static member ThenState(s: Scenario, value: obj) = Scenario.thenState value s

    /// The processor emits exactly these events.
    [<Extension>]
    static member ThenEmits(s: Scenario, [<ParamArray>] events: EventData[]) = Scenario.thenEmits (List.ofArray events) s

    /// The processor runs one effect of the kind with the payload.
    [<Extension>]
    static member ThenEffect(s: Scenario, kind: string, payload: obj) = Scenario.thenEffect kind payload s

    /// The processor does nothing.
    [<Extension>]
    static member ThenNothing(s: Scenario) = Scenario.thenNothing s

    /// The task fires exactly at these instants.
    [<Extension>]
    static member ThenFires(s: Scenario, [<ParamArray>] instants: DateTimeOffset[]) = Scenario.thenFires (List.ofArray instants) s

    /// Runs on the pure definitions; throws ScenarioFailedException on a difference.
    [<Extension>]
    static member Verify(s: Scenario) = Scenario.verify s

    /// Runs on the store; throws ScenarioFailedException on a difference.
    [<Extension>]
    static member VerifyOn(s: Scenario, store: StoreFactory) = Scenario.verifyOn store s

    /// Runs on the pure definitions and every store; throws one ScenarioFailedException listing every difference.
    [<Extension>]
    static member VerifyEverywhere(s: Scenario, [<ParamArray>] stores: StoreFactory[]) = Scenario.verifyEverywhere (List.ofArray stores) s
