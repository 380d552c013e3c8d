// Invariants users add to a simulation of their own application: pure functions over what the run produced so far
// for one tenant (its log, its read models, the effects that ran). The simulator checks them beside its own.
namespace Hybrid.Simulation

open System
open System.Collections.Generic
open Hybrid

/// One run of an effect in a simulation: the processor, the event it handled and the intent it ran.
type EffectRun =
    { Processor: string
      Source: RecordedEvent
      Intent: EffectIntent }

/// What a user invariant sees of one tenant when it is checked.
type InvariantInput =
    { Tenant: TenantId
      /// The tenant's whole log, in position order.
      Log: RecordedEvent[]
      /// The whole view of a read model by name, as the read-model engine serves it now (consistent with Log).
      ReadModel: string -> obj
      /// Every effect that ran for the tenant so far, in order (a crash may make an at-least-once effect run twice).
      Effects: IReadOnlyList<EffectRun> }

    /// The whole view of a read model, typed.
    member i.StateOf<'T>(model: string) = i.ReadModel model :?> 'T

/// A user-defined invariant: a name, and the violations it finds as sentences (none when it holds).
type Invariant =
    { Name: string
      Check: InvariantInput -> string list }

    /// An invariant from a C# function.
    static member Create(name: string, check: Func<InvariantInput, IEnumerable<string>>) =
        { Name = name; Check = fun input -> List.ofSeq (check.Invoke input) }

/// Building user invariants.
module Invariant =

    /// An invariant over everything the run recorded for a tenant.
    let create (name: string) (check: InvariantInput -> string list) = { Name = name; Check = check }

    /// An invariant over the tenant's log alone.
    let ofLog (name: string) (check: TenantId -> RecordedEvent[] -> string list) =
        create name (fun input -> check input.Tenant input.Log)

    /// Runs an invariant; an invariant that throws is a violation naming it, never a crashed run.
    let run (invariant: Invariant) (input: InvariantInput) =
        try
            invariant.Check input
        with error ->
            [ $"Tenant '{input.Tenant}': invariant '{invariant.Name}' threw {error.GetType().Name}: {error.Message}" ]
