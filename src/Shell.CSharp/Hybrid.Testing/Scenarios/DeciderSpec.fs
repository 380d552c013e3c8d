// Given/when/then on a decider alone, with typed events: given the decider's own events, when a command is decided
// (by a caller, at an instant), then these events, this rejection, or this state. No registry, codec or store: the
// quickest test of a decision, written in the domain's own types (the Equinox and Eventuous way).
namespace Hybrid.Testing

open System
open Hybrid

/// What a decider spec expects.
[<RequireQualifiedAccess>]
type DeciderThen<'E, 'S> =
    /// Nothing checked: deciding only has to complete.
    | Anything
    /// The command was accepted with exactly these events (none: accepted, nothing to do).
    | Events of 'E list
    /// The command was rejected with this code ("" for any code).
    | Rejected of code: string
    /// The command was accepted, and the state after its events equals this one.
    | State of 'S

/// A decider spec: given events, when a command is decided in a context, then what should come of it.
type DeciderSpec<'C, 'E, 'S> =
    { Name: string
      Decider: Decider<'C, 'E, 'S>
      Given: 'E list
      Command: 'C option
      Context: DecisionContext
      Then: DeciderThen<'E, 'S> }

/// Building and checking decider specs: DeciderSpec.on "…" decider |> given […] |> whenCommand c |> thenEvents […] |> verify.
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module DeciderSpec =

    /// A spec of the decider, named in failures, deciding as "ann" (no roles) of "tenant-1" at History.epoch.
    let on (name: string) (decider: Decider<'C, 'E, 'S>) : DeciderSpec<'C, 'E, 'S> =
        { Name = name
          Decider = decider
          Given = []
          Command = None
          Context = DecisionContext.Of({ Tenant = "tenant-1"; Actor = "ann"; Roles = [||]; CorrelationId = "" }, History.epoch)
          Then = DeciderThen.Anything }

    /// The events already folded into the state (in order).
    let given (events: 'E list) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Given = spec.Given @ events }

    /// The command decided.
    let whenCommand (command: 'C) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Command = Some command }

    /// The caller deciding (DecisionContext.Caller).
    let by (caller: Caller) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Context = { spec.Context with Caller = caller } }

    /// The instant the decision sees (DecisionContext.Now).
    let at (now: DateTimeOffset) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Context = { spec.Context with Now = now } }

    /// The command is accepted with exactly these events.
    let thenEvents (events: 'E list) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Then = DeciderThen.Events events }

    /// The command is rejected with this code ("" for any code).
    let thenRejected (code: string) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Then = DeciderThen.Rejected code }

    /// The command is accepted and the state after its events equals this one.
    let thenState (state: 'S) (spec: DeciderSpec<'C, 'E, 'S>) = { spec with Then = DeciderThen.State state }

    let private describe (decision: Result<'E list, Rejection>) (after: 'S) =
        match decision with
        | Ok [] -> "it was accepted with no events"
        | Ok events -> $"it decided\n{Rendering.value events}\nleaving the state\n{Rendering.value after}"
        | Error r -> $"it was rejected ({r.Code}): {r.Reason}"

    let private expected (then': DeciderThen<'E, 'S>) =
        match then' with
        | DeciderThen.Anything -> "anything"
        | DeciderThen.Events [] -> "it to be accepted with no events"
        | DeciderThen.Events events -> $"the events\n{Rendering.value events}"
        | DeciderThen.Rejected "" -> "a rejection"
        | DeciderThen.Rejected code -> $"a rejection with code '{code}'"
        | DeciderThen.State state -> $"the state\n{Rendering.value state}"

    /// Decides the spec's command: None when it went as expected, else the failure (expected and actual as JSON, the
    /// first difference, or what a definition threw and where).
    let tryVerify (spec: DeciderSpec<'C, 'E, 'S>) : string option =
        let prefix = $"Decider spec '{spec.Name}'"
        match spec.Command with
        | None -> Some $"{prefix}: no command to decide (call DeciderSpec.whenCommand)."
        | Some command ->
            let run () =
                let state =
                    try
                        Ok(Decider.fold spec.Decider spec.Given)
                    with error -> Error("folding the given events", error)
                state
                |> Result.bind (fun state ->
                    try
                        Ok(spec.Decider.Decide spec.Context command state, state)
                    with error -> Error($"deciding {Rendering.value command}", error))
                |> Result.bind (fun (decision, state) ->
                    try
                        Ok(decision, (match decision with Ok events -> Folding.fold spec.Decider.Evolve state events | Error _ -> state))
                    with error -> Error("folding the decided events", error))
            match run () with
            | Error(step, error) -> Some $"{prefix}: {step} threw {error.GetType().Name}: {error.Message}{Judge.userFrame error}"
            | Ok(decision, after) ->
                let difference =
                    match spec.Then, decision with
                    | DeciderThen.Anything, _ -> None
                    | DeciderThen.Events e, Ok a when e = a -> None
                    | DeciderThen.Events e, Ok a -> Some(Rendering.valueDifference e a)
                    | DeciderThen.Rejected "", Error _ -> None
                    | DeciderThen.Rejected code, Error r when r.Code = code -> None
                    | DeciderThen.State s, Ok _ when obj.Equals(s, after) -> None
                    | DeciderThen.State s, Ok _ -> Some(Rendering.valueDifference s after)
                    | _ -> Some None
                difference
                |> Option.map (fun detail ->
                    let detail = detail |> Option.map (fun d -> $"\n{d}") |> Option.defaultValue ""
                    $"{prefix}: given {spec.Given.Length} event(s), deciding {Rendering.value command}\nexpected {expected spec.Then}\nbut {describe decision after}{detail}")

    /// Decides the spec's command; throws ScenarioFailedException showing expected and actual when it did not go as expected.
    let verify (spec: DeciderSpec<'C, 'E, 'S>) =
        match tryVerify spec with
        | Some failure -> raise (ScenarioFailedException failure)
        | None -> ()
