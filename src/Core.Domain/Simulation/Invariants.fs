// The invariants a simulation checks, as pure functions over a tenant's log and what the shell recorded.
// Each returns the violations it found as sentences (empty when the invariant holds).
namespace Hybrid.Simulation

open System
open System.Collections.Generic
open Hybrid

/// The names of the invariants, as reports print them.
module InvariantNames =
    [<Literal>]
    let NoLostOrDuplicatedEvents = "no lost or duplicated events"

    [<Literal>]
    let ReadModelsEqualFold = "every read model equals a plain fold of the log"

    [<Literal>]
    let EmitsExactlyOnce = "emit outputs exactly once per source event"

    [<Literal>]
    let EffectsAsDeclared = "effects at most / at least once as declared"

    [<Literal>]
    let OneTriggerPerDueInstant = "one periodic trigger per (task, tenant, due instant)"

    [<Literal>]
    let AuthorizationNeverBypassed = "authorization never bypassed"

    [<Literal>]
    let ProcessManagersDecideOnce = "process managers decide once per input, from their own events"

    [<Literal>]
    let DeadlinesHonoured = "deadlines never early, never twice, never lost"

    /// Every invariant, in report order.
    let all =
        [ NoLostOrDuplicatedEvents; ReadModelsEqualFold; EmitsExactlyOnce; EffectsAsDeclared; OneTriggerPerDueInstant
          AuthorizationNeverBypassed; ProcessManagersDecideOnce; DeadlinesHonoured ]

/// Pure invariant checks.
module Invariants =

    /// Positions are 1..n without gaps, ids are unique, every event belongs to the tenant.
    let logIsSound (tenant: TenantId) (log: RecordedEvent[]) =
        let seen = HashSet<Guid>()
        [ for i in 0 .. log.Length - 1 do
              let e = log.[i]
              if e.Position <> int64 (i + 1) then
                  yield $"Tenant '{tenant}': the event at index {i} has position {e.Position}, expected {i + 1} (a gap or a reordering)."
              if not (seen.Add e.Id) then
                  yield $"Tenant '{tenant}': event {e.Id} ({e.Type}) is stored twice; the second copy is at position {e.Position}."
              if e.Tenant <> tenant then
                  yield $"Tenant '{tenant}': the event at position {e.Position} belongs to tenant '{e.Tenant}'." ]

    /// Every acknowledged event is in the log at its acknowledged position; every logged event was proposed.
    let acknowledgedAreStored (tenant: TenantId) (log: RecordedEvent[]) (acknowledged: IReadOnlyDictionary<Guid, Position>) (proposed: IReadOnlySet<Guid>) =
        let positions = Dictionary<Guid, Position>()
        for e in log do
            positions.TryAdd(e.Id, e.Position) |> ignore
        [ for KeyValue(id, position) in acknowledged do
              match positions.TryGetValue id with
              | true, p when p = position -> ()
              | true, p -> yield $"Tenant '{tenant}': event {id} was acknowledged at position {position} but is stored at {p}."
              | _ -> yield $"Tenant '{tenant}': event {id} was acknowledged at position {position} but is not in the log (lost)."
          for e in log do
              if not (proposed.Contains e.Id) then
                  yield $"Tenant '{tenant}': event {e.Id} ({e.Type}) at position {e.Position} was never proposed by anyone." ]

    /// Each acknowledged command's events are in the log exactly once: as many as its append wrote, none again.
    let commandsWrittenOnce (tenant: TenantId) (writes: IReadOnlyDictionary<string, int>) (log: RecordedEvent[]) =
        let counts = Dictionary<string, int>()
        for e in log do
            if writes.ContainsKey e.Metadata.CausationId then
                counts.[e.Metadata.CausationId] <- (match counts.TryGetValue e.Metadata.CausationId with | true, n -> n | _ -> 0) + 1
        [ for KeyValue(command, written) in writes do
              let stored = match counts.TryGetValue command with | true, n -> n | _ -> 0
              if stored <> written then
                  yield $"Tenant '{tenant}': command {command} wrote {written} event(s) but the log holds {stored} caused by it." ]

    /// The view the engine returned equals the view of a plain fold of the log's events of the model's types up to
    /// the position it reported.
    let readModelEqualsFold (tenant: TenantId) (model: ReadModelDefinition) (view: ReadModelView) (log: RecordedEvent[]) =
        let types = HashSet<string>(model.EventTypes)
        let mutable pieces = model.Initial
        for e in log do
            if e.Position <= view.Position && types.Contains e.Type then
                let struct (next, _) = model.Step pieces e
                pieces <- next
        let expected = model.View view.Scope pieces
        if obj.Equals(expected, view.State) then []
        else [ $"Tenant '{tenant}': read model '{model.Name}' at position {view.Position} differs from a plain fold of the log: it holds {view.State}, the fold gives {expected}." ]

    let private outputsBySource (actor: string) (log: RecordedEvent[]) =
        let outputs = Dictionary<string, ResizeArray<RecordedEvent>>()
        for e in log do
            if e.Metadata.Actor = actor then
                match outputs.TryGetValue e.Metadata.CausationId with
                | true, list -> list.Add e
                | _ -> outputs.[e.Metadata.CausationId] <- ResizeArray [ e ]
        outputs

    let private handle (tenant: TenantId) (processor: TodoProcessor) (source: RecordedEvent) =
        processor.Handle (ProcessorContext.Of(tenant, processor.Name)) source

    /// The output type lists a source's handling may leave: an emit's events; an effect's success events or its
    /// compensating events (or none, for an at-most-once effect whose success events a crash lost); none otherwise.
    let private allowedOutputs (result: ProcessorResult) =
        match result with
        | ProcessorResult.Emit events -> [ events ]
        | ProcessorResult.EffectThen plan when plan.Checkpoint = CheckpointTiming.Before -> [ plan.OnSuccess; plan.OnFailure; [] ]
        | ProcessorResult.EffectThen plan -> [ plan.OnSuccess; plan.OnFailure ]
        | _ -> [ [] ]
        |> List.map (List.map (fun e -> e.Type))

    /// Each source event up to the checkpoint has exactly the outputs its handler emits (or records for an effect),
    /// once; later ones none. A dead-lettered source has none, or its outputs once (a replay, or a node that handled
    /// it again after a crash).
    let emitsExactlyOnce (tenant: TenantId) (processor: TodoProcessor) (checkpoint: Position) (deadLettered: IReadOnlySet<Guid>) (log: RecordedEvent[]) =
        let outputs = outputsBySource (Simulated.processorActor processor.Name) log
        let outputsOf (source: RecordedEvent) =
            match outputs.TryGetValue(string source.Id) with
            | true, list -> List.ofSeq list
            | _ -> []
        [ for source in log do
              if Simulated.isTopic processor source then
                  let found = outputsOf source
                  let foundTypes = found |> List.map (fun e -> e.Type)
                  let allowed =
                      if source.Position > checkpoint then [ [] ]
                      elif deadLettered.Contains source.Id && found.IsEmpty then [ [] ]
                      else allowedOutputs (handle tenant processor source)
                  if not (List.contains foundTypes allowed) then
                      yield
                          $"Tenant '{tenant}': processor '{processor.Name}' has {found.Length} output(s) {foundTypes} for source event {source.Id} at position {source.Position} (checkpoint {checkpoint}), expected one of {allowed}." ]

    /// At-most-once effects (checkpoint before) ran at most once and only for checkpointed events; at-least-once
    /// effects (checkpoint after) ran for every checkpointed event that was not dead-lettered.
    let effectsAsDeclared (tenant: TenantId) (processor: TodoProcessor) (checkpoint: Position) (deadLettered: IReadOnlySet<Guid>) (executions: IReadOnlyDictionary<Guid, int>) (log: RecordedEvent[]) =
        let runs id = match executions.TryGetValue id with | true, n -> n | _ -> 0
        let outputs = outputsBySource (Simulated.processorActor processor.Name) log
        let compensated (source: RecordedEvent) (plan: EffectPlan) =
            not plan.OnFailure.IsEmpty
            && (match outputs.TryGetValue(string source.Id) with
                | true, found -> (found |> Seq.map (fun e -> e.Type) |> List.ofSeq) = (plan.OnFailure |> List.map (fun e -> e.Type))
                | _ -> false)
        let declared (source: RecordedEvent) =
            match handle tenant processor source with
            | ProcessorResult.Effect(intent, timing) -> Some(intent, timing)
            // An effect given up (its compensating events recorded) never took place: only its at-most-once bound holds.
            | ProcessorResult.EffectThen plan when compensated source plan -> Some(plan.Intent, CheckpointTiming.Before)
            | ProcessorResult.EffectThen plan -> Some(plan.Intent, plan.Checkpoint)
            | _ -> None
        [ for source in log do
              if Simulated.isTopic processor source then
                  match declared source with
                  | Some(intent, CheckpointTiming.Before) ->
                      let n = runs source.Id
                      if n > 1 then
                          yield $"Tenant '{tenant}': at-most-once effect '{intent.Kind}' of processor '{processor.Name}' ran {n} times for event {source.Id}."
                      elif n = 1 && source.Position > checkpoint then
                          yield $"Tenant '{tenant}': at-most-once effect '{intent.Kind}' of processor '{processor.Name}' ran for event {source.Id} at position {source.Position} before its checkpoint ({checkpoint}) was written."
                  | Some(intent, _) ->
                      if source.Position <= checkpoint && not (deadLettered.Contains source.Id) && runs source.Id = 0 then
                          yield $"Tenant '{tenant}': at-least-once effect '{intent.Kind}' of processor '{processor.Name}' never ran for event {source.Id} at position {source.Position}, though the checkpoint ({checkpoint}) passed it."
                  | None -> () ]

    /// Every attempted due instant has exactly one trigger: one append holding the events of its tick.
    let oneTriggerPerDueInstant (tenant: TenantId) (task: PeriodicTask) (attempted: DateTimeOffset seq) (log: RecordedEvent[]) =
        let byTag = Dictionary<Tag, ResizeArray<RecordedEvent>>()
        let prefix = $"trigger:{task.Name}@"
        for e in log do
            for t in e.Tags do
                if t.StartsWith(prefix, StringComparison.Ordinal) then
                    match byTag.TryGetValue t with
                    | true, list -> list.Add e
                    | _ -> byTag.[t] <- ResizeArray [ e ]
        let attempted = attempted |> Seq.distinct |> List.ofSeq
        let attemptedTags = attempted |> List.map (Triggers.tag task.Name) |> HashSet
        [ for due in attempted do
              let tag = Triggers.tag task.Name due
              let expected = Triggers.events task { Task = task.Name; Tenant = tenant; DueAt = due } |> List.length
              match byTag.TryGetValue tag with
              | true, events ->
                  let contiguous = events |> Seq.pairwise |> Seq.forall (fun (a, b) -> b.Position = a.Position + 1L)
                  if events.Count <> expected || not contiguous then
                      yield $"Tenant '{tenant}': task '{task.Name}' due {due:O} has {events.Count} trigger event(s), expected one append of {expected}."
              | _ -> yield $"Tenant '{tenant}': task '{task.Name}' due {due:O} never fired."
          for KeyValue(tag, events) in byTag do
              if not (attemptedTags.Contains tag) then
                  yield $"Tenant '{tenant}': {events.Count} trigger event(s) tagged '{tag}' were never scheduled." ]

    /// No event carries the correlation id of a command that was denied.
    let deniedWroteNothing (tenant: TenantId) (denied: IReadOnlySet<string>) (log: RecordedEvent[]) =
        [ for e in log do
              if denied.Contains e.Metadata.CorrelationId then
                  yield $"Tenant '{tenant}': event {e.Id} ({e.Type}) at position {e.Position} was written by command {e.Metadata.CorrelationId}, which was not authorized." ]

    /// Each input of a process manager up to its checkpoint has exactly the outputs its pure decision gives over the
    /// instance's own events caused by earlier inputs (its state), once; later inputs none. A dead-lettered input has
    /// none, or its outputs once.
    let processManagerDecidesOnce (tenant: TenantId) (manager: ProcessManager) (checkpoint: Position) (deadLettered: IReadOnlySet<Guid>) (log: RecordedEvent[]) =
        let processor = ProcessManager.toProcessor manager
        let actor = Simulated.processorActor manager.Name
        let outputs = outputsBySource actor log
        let handled = HashSet<string>()
        let ownByTag = Dictionary<Tag, ResizeArray<RecordedEvent>>()
        for e in log do
            if e.Metadata.Actor = actor then
                for t in e.Tags do
                    match ownByTag.TryGetValue t with
                    | true, list -> list.Add e
                    | _ -> ownByTag.[t] <- ResizeArray [ e ]
        let ownOf (tag: Tag) =
            match ownByTag.TryGetValue tag with
            | true, list -> list |> Seq.filter (fun e -> handled.Contains e.Metadata.CausationId) |> Array.ofSeq
            | _ -> [||]
        [ for source in log do
              if Simulated.isTopic processor source then
                  let found =
                      match outputs.TryGetValue(string source.Id) with
                      | true, list -> List.ofSeq list
                      | _ -> []
                  let foundTypes = found |> List.map (fun e -> e.Type)
                  let expected =
                      if source.Position > checkpoint then []
                      elif deadLettered.Contains source.Id && found.IsEmpty then []
                      else
                          match ProcessManager.keyOf manager source with
                          | None -> []
                          | Some key ->
                              let own = ownOf (Deadlines.instanceTag manager.Name key)
                              match ProcessManager.handle manager tenant own source with
                              | ProcessorResult.Emit events -> events |> List.map (fun e -> e.Type)
                              | _ -> []
                  if foundTypes <> expected then
                      yield
                          $"Tenant '{tenant}': process manager '{manager.Name}' has {found.Length} output(s) {foundTypes} for input {source.Id} ({source.Type}) at position {source.Position} (checkpoint {checkpoint}), expected {expected}."
                  if source.Position <= checkpoint then handled.Add(string source.Id) |> ignore ]

    /// Every fired deadline fired at or after its time (the fired event's timestamp), at most once, for a deadline that
    /// was scheduled; once the run has settled (settledAt given), every deadline due by then that was neither cancelled
    /// nor replaced has fired.
    let deadlinesHonoured (tenant: TenantId) (settledAt: DateTimeOffset option) (log: RecordedEvent[]) =
        let scheduled = log |> Seq.filter (fun e -> e.Type = Deadlines.ScheduledType) |> Seq.map (fun e -> e.Id) |> HashSet
        let fired = log |> Array.filter (fun e -> e.Type = Deadlines.FiredType) |> Array.map (fun e -> e, Deadlines.readFired e)
        [ for e, (manager, key, deadline) in fired do
              if e.Timestamp < deadline.DueAt then
                  yield $"Tenant '{tenant}': deadline '{deadline.Name}' of {manager}/{key} due {deadline.DueAt:O} fired early, at {e.Timestamp:O} (position {e.Position})."
              if not (scheduled.Contains deadline.ScheduledId) then
                  yield $"Tenant '{tenant}': deadline '{deadline.Name}' of {manager}/{key} fired at position {e.Position} but was never scheduled."
          for id, firings in fired |> Array.countBy (fun (_, (_, _, d)) -> d.ScheduledId) do
              if firings > 1 then yield $"Tenant '{tenant}': the deadline scheduled by event {id} fired {firings} times."
          match settledAt with
          | Some now ->
              let index = log |> Array.fold Deadlines.apply Deadlines.empty
              for lost in Deadlines.due now index do
                  yield $"Tenant '{tenant}': deadline '{lost.Name}' of {lost.Manager}/{lost.Key} due {lost.DueAt:O} never fired (it is {now:O})."
          | None -> () ]
