// Scenarios: given events, when something happens (a command, a read, a query, an event reaching a processor, time
// passing for a periodic task), then what should come of it. A scenario is data: the same value runs on the pure
// definitions and on every store (ScenarioRun).
namespace Hybrid.Testing

open System
open Hybrid

/// What a scenario does after its given events are in the log.
[<RequireQualifiedAccess>]
type When =
    /// Nothing yet.
    | Nothing
    /// The caller runs a registered command; the concurrent events are appended by another writer between the
    /// command's lookup and its append (on the first attempt only), to show what its consistency boundary covers.
    | Command of registry: Registry * caller: Caller * command: string * payload: obj * concurrently: EventData list
    /// A read of a registered read model's view (an empty scope: the whole model).
    | ReadModel of registry: Registry * model: string * scope: string
    /// The caller runs a registered query.
    | Query of registry: Registry * caller: Caller * query: string * request: obj
    /// The processor handles this event, appended after the given ones.
    | Handle of processor: TodoProcessor * event: EventData
    /// A scheduler started at `from` runs once at `upTo`.
    | Schedule of task: PeriodicTask * from: DateTimeOffset * upTo: DateTimeOffset

/// What a scenario expects.
[<RequireQualifiedAccess>]
type Then =
    /// Nothing checked: the run only has to complete.
    | Anything
    /// The command was accepted and wrote exactly these events (none: accepted, nothing written).
    | Events of EventData list
    /// A business rule refused the command; an empty code accepts any code.
    | Rejected of code: string
    /// The caller was refused (command or query).
    | Unauthorized
    /// The command's or query's target does not exist.
    | NotFound
    /// The command's append failed its condition: what it read changed before it wrote.
    | Conflict
    /// The command (or query) was refused as invalid input naming this field (the request, the caller, or what the
    /// decision would write: a stream id, tag or body the stores refuse); an empty field accepts any field.
    | Invalid of field: string
    /// The command's stream was not at the version the scenario expected (Scenario.expectingVersion; HTTP 412).
    | VersionMismatch
    /// The read model's view (or the query's answer) equals this value.
    | State of value: obj
    /// The processor emitted exactly these events and ran no effect.
    | Emits of EventData list
    /// The processor ran one effect of this kind with this payload, and emitted nothing.
    | Effect of kind: string * payload: obj
    /// The processor did nothing.
    | NoOp
    /// The task fired exactly at these instants (UTC), each with its trigger and its OnTick events.
    | Fires of DateTimeOffset list

/// A scenario: given events in a tenant's log, when something happens, then what should come of it.
type Scenario =
    { Name: string
      Tenant: TenantId
      Given: EventData list
      When: When
      Then: Then
      /// The instant a command's decision sees as DecisionContext.Now (History.epoch unless Scenario.at sets it).
      Now: DateTimeOffset
      /// The version the caller expects the command's stream at (HTTP If-Match), or None.
      ExpectedVersion: ExpectedVersion option }

    override s.ToString() = s.Name

    /// A scenario with a name (shown in every failure), nothing given, nothing happening, deciding at History.epoch.
    static member Create(name: string) =
        { Name = name; Tenant = "tenant-1"; Given = []; When = When.Nothing; Then = Then.Anything; Now = History.epoch; ExpectedVersion = None }

    /// A scenario with a name (shown in every failure), nothing given, nothing happening (for C#; F# uses Scenario.named).
    static member Named(name: string) = Scenario.Create name

    /// An authenticated caller with these roles (for C#).
    static member Caller(actor: string, [<ParamArray>] roles: string[]) = { Tenant = "tenant-1"; Actor = actor; Roles = roles; CorrelationId = "" }

    /// A caller with no identity and no roles (for C#).
    static member Anonymous = { Tenant = "tenant-1"; Actor = ""; Roles = [||]; CorrelationId = "" }
