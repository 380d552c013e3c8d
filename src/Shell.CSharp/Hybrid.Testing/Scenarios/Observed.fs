// What a scenario run observed, in the same form whether it ran on the pure definitions or on a store, and the
// judgement of an observation against the scenario's expectation, with the failure written for people.
namespace Hybrid.Testing

open System
open Hybrid

/// What a run observed.
[<RequireQualifiedAccess>]
type Observed =
    /// A command was accepted and wrote these events.
    | Wrote of EventData list
    | Rejected of Rejection
    | Unauthorized of reason: string
    | NotFound of what: string
    | Conflict of reason: string
    /// Refused as invalid input: the field at fault and what is wrong with it.
    | Invalid of field: string * message: string
    /// The command's stream was not at the caller's expected version.
    | VersionMismatch of reason: string
    /// Any other command or query outcome (invalid input, unknown name…), described.
    | Failed of description: string
    /// A read model's view or a query's answer.
    | Value of obj
    /// What a processor did with the event.
    | Handled of emitted: EventData list * effects: EffectIntent list
    /// The instants a task fired at, each with the types of the events of its append.
    | Fired of (DateTimeOffset * string list) list
    /// Nothing was asked.
    | Idle

/// A scenario that did not go as expected; the message shows expected and actual (events as JSON).
type ScenarioFailedException(message: string) =
    inherit Exception(message)

/// Judging observations.
module internal Judge =

    let describe (observed: Observed) =
        match observed with
        | Observed.Wrote events when events.IsEmpty -> "the command was accepted and wrote nothing"
        | Observed.Wrote events -> $"the command wrote\n{Rendering.events events}"
        | Observed.Rejected r -> $"the command was rejected ({r.Code}): {r.Reason}"
        | Observed.Unauthorized reason -> $"the caller was refused: {reason}"
        | Observed.NotFound what -> $"not found: {what}"
        | Observed.Conflict reason -> $"the append failed its condition: {reason}"
        | Observed.Invalid(field, message) -> $"the request was refused as invalid, naming the field '{field}': {message}"
        | Observed.VersionMismatch reason -> $"the stream was not at the expected version: {reason}"
        | Observed.Failed description -> description
        | Observed.Value v -> $"the value is\n{Rendering.value v}"
        | Observed.Handled(emitted, effects) ->
            let effectsText = effects |> List.map (fun i -> $"{i.Kind} {Rendering.value i.Payload}") |> String.concat "; "
            $"the processor emitted\n{Rendering.events emitted}\nand ran effects [{effectsText}]"
        | Observed.Fired fires ->
            let lines = fires |> List.map (fun (due, types) -> $"  {due:O}: {String.Join(',', types)}")
            "the task fired at\n" + (if lines.IsEmpty then "  (nothing)" else String.Join("\n", lines))
        | Observed.Idle -> "nothing was asked"

    let private expectedText (expected: Then) =
        match expected with
        | Then.Anything -> "anything"
        | Then.Events events when events.IsEmpty -> "the command to be accepted and write nothing"
        | Then.Events events -> $"the command to write\n{Rendering.events events}"
        | Then.Rejected "" -> "the command to be rejected"
        | Then.Rejected code -> $"the command to be rejected with code '{code}'"
        | Then.Unauthorized -> "the caller to be refused"
        | Then.NotFound -> "not found"
        | Then.Conflict -> "the append to fail its condition (a conflict)"
        | Then.Invalid "" -> "the request to be refused as invalid"
        | Then.Invalid field -> $"the request to be refused as invalid, naming the field '{field}'"
        | Then.VersionMismatch -> "the stream not to be at the expected version"
        | Then.State v -> $"the value\n{Rendering.value v}"
        | Then.Emits events -> $"the processor to emit\n{Rendering.events events}"
        | Then.Effect(kind, payload) -> $"the processor to run effect {kind} {Rendering.value payload}"
        | Then.NoOp -> "the processor to do nothing"
        | Then.Fires instants -> "the task to fire at\n" + String.Join("\n", instants |> List.map (fun d -> $"  {d.ToUniversalTime():O}"))

    let private matches (expected: Then) (observed: Observed) (fireEvents: DateTimeOffset -> string list) =
        match expected, observed with
        | Then.Anything, _ -> true
        | Then.Events e, Observed.Wrote a -> Rendering.sameEvents e a
        | Then.Rejected "", Observed.Rejected _ -> true
        | Then.Rejected code, Observed.Rejected r -> r.Code = code
        | Then.Unauthorized, Observed.Unauthorized _ -> true
        | Then.NotFound, Observed.NotFound _ -> true
        | Then.Conflict, Observed.Conflict _ -> true
        | Then.Invalid "", Observed.Invalid _ -> true
        | Then.Invalid field, Observed.Invalid(actual, _) -> field = actual
        | Then.VersionMismatch, Observed.VersionMismatch _ -> true
        | Then.State v, Observed.Value a -> obj.Equals(v, a)
        | Then.Emits e, Observed.Handled(a, []) -> Rendering.sameEvents e a
        | Then.Effect(kind, payload), Observed.Handled([], [ intent ]) -> intent.Kind = kind && obj.Equals(payload, intent.Payload)
        | Then.NoOp, Observed.Handled([], []) -> true
        | Then.Fires instants, Observed.Fired fires ->
            let expected = instants |> List.map (fun d -> d.ToUniversalTime(), fireEvents d)
            let actual = fires |> List.map (fun (d, types) -> d.ToUniversalTime(), types)
            expected = actual
        | _ -> false

    /// The assemblies of the framework, the kit and the runtime: a frame in them is not the user's code.
    let private framework =
        set
            [ typeof<Caller>.Assembly.GetName().Name
              typeof<Hybrid.Shell.Commands.CommandProcessor>.Assembly.GetName().Name
              typeof<Hybrid.InMemory.EventStore.InMemoryEventStore>.Assembly.GetName().Name
              typeof<ScenarioFailedException>.Assembly.GetName().Name ]

    let private isFramework (assembly: string) =
        framework.Contains assembly
        || [ "System"; "Microsoft"; "FSharp.Core"; "FsCheck"; "netstandard"; "Polly" ]
           |> List.exists (fun prefix -> assembly = prefix || assembly.StartsWith(prefix + ".", StringComparison.Ordinal))

    /// Where in the user's own code an exception was thrown (the innermost frame outside the framework), as a line
    /// to append to a failure; empty when no such frame is known.
    let userFrame (error: exn) =
        Diagnostics.StackTrace(error, true).GetFrames()
        |> Array.tryFind (fun f ->
            let m = f.GetMethod()
            not (isNull m) && not (isNull m.DeclaringType) && not (isFramework (m.DeclaringType.Assembly.GetName().Name)))
        |> Option.map (fun f ->
            let m = f.GetMethod()
            let place = if isNull (f.GetFileName()) then "" else $" in {IO.Path.GetFileName(f.GetFileName())}:line {f.GetFileLineNumber()}"
            $"\n  at {m.DeclaringType.FullName}.{m.Name}{place}")
        |> Option.defaultValue ""

    /// None when the observation meets the expectation, else the failure message.
    let check (scenario: Scenario) (target: string) (observed: Observed) =
        let fireEvents (due: DateTimeOffset) =
            match scenario.When with
            | When.Schedule(task, _, _) ->
                Triggers.events task { Task = task.Name; Tenant = scenario.Tenant; DueAt = due.ToUniversalTime() } |> List.map (fun e -> e.Type)
            | _ -> []
        if matches scenario.Then observed fireEvents then None
        else
            let difference =
                match scenario.Then, observed with
                | Then.Events e, Observed.Wrote a
                | Then.Emits e, Observed.Handled(a, _) -> Rendering.firstDifference e a |> Option.map (fun d -> $"\n{d}") |> Option.defaultValue ""
                | Then.State e, Observed.Value a -> Rendering.valueDifference e a |> Option.map (fun d -> $"\n{d}") |> Option.defaultValue ""
                | _ -> ""
            Some $"Scenario '{scenario.Name}' on {target}: expected {expectedText scenario.Then}\nbut {describe observed}{difference}"
