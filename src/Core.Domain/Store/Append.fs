// The append contract, decided once for every store: idempotent re-sends, fences, conditions, positions and versions.
namespace Hybrid

open System
open System.Collections.Generic

/// A group commit's decisions: one per member, in order, and the merged write of the members that will be written.
type GroupPlan =
    { /// Each member's decision, or the exception its condition threw (that member alone fails with it).
      Decisions: Result<AppendDecision, exn>[]
      /// What the store writes for the whole group: every Write decision merged (see AppendOverlay.Merged).
      Write: AppendWrite }

/// <summary>
/// The core decides, the stores execute (C#: <c>AppendModule</c>). How a store appends:
/// <list type="number">
/// <item>Before queueing or locking anything, <c>Append.validateOrThrow limits request</c> (or <c>validate</c>):
/// bad input is an <see cref="InvalidInputException"/> naming the tenant and the field, and nothing is written.</item>
/// <item>Inside the tenant's write lock, give <c>Append.decide state now request</c> an <see cref="IAppendState"/>
/// over what it holds (head, stored ids, stream states, condition queries, checkpoints) and the commit time.</item>
/// <item>Carry out the decision: for <c>Write w</c> store <c>w.Events</c> (positions and versions are assigned),
/// set each of <c>w.Streams</c> to its version, store <c>w.Checkpoints</c> and the head <c>w.Head</c>, all atomically;
/// for <c>AlreadyStored</c> and <c>Reject</c> store nothing. Answer <c>decision.Result</c>.</item>
/// </list>
/// A store that commits several appends in one transaction calls <c>Append.decideGroup</c> (or decides member by
/// member over an <see cref="AppendOverlay"/>, applying only what it writes) and stores <c>plan.Write</c>.
/// Rules, in order: an append whose every id is stored is an idempotent re-send; one with only some ids stored fails
/// with DuplicateEventIds; a checkpoint below its fence fails with StaleFencingToken; then the condition; an empty
/// append that passes all of them is written as nothing (its checkpoint, if any, is stored) and answers Appended [].
/// </summary>
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Append =

    let private partialDuplicate (tenant: TenantId) known total =
        { Kind = ConditionFailureKind.DuplicateEventIds
          Reason = $"Tenant '{tenant}': {known} of the {total} event ids are already stored; an append must be wholly new or wholly a repeat."
          Stream = null
          ActualVersion = 0L }

    /// The events already stored with the append's ids: all of them (a re-send), some (a failure), or none.
    let private storedOf (state: IAppendState) (events: ProposedEvent[]) =
        let mutable found: RecordedEvent[] = null
        let mutable known = 0
        for i in 0 .. events.Length - 1 do
            let mutable stored = Unchecked.defaultof<RecordedEvent>
            if state.TryGetStored(events.[i].Id, &stored) then
                if isNull found then found <- Array.zeroCreate events.Length
                found.[i] <- stored
                known <- known + 1
        found, known

    /// A copy of an event's tags, so that a caller reusing its array cannot change a stored envelope (a plain new array
    /// and a span copy: Array.copy goes through Array.Clone, several times slower for the one or two tags events carry).
    let private copyTags (tags: Tag[]) =
        if tags.Length = 0 then tags
        else
            let copy = Array.zeroCreate tags.Length
            tags.AsSpan().CopyTo(Span copy)
            copy

    /// <summary>
    /// The envelope of a proposed event recorded at a position and stream version (0: no stream): the one construction
    /// every store uses, on every path. Tags are copied, so that a caller reusing its array cannot change a stored
    /// envelope; metadata is normalized (<c>EventMetadata.normalize</c>: null values are ""); the timestamp is truncated
    /// to the microsecond (<c>Timestamps.recorded</c>).
    /// </summary>
    let record (tenant: TenantId) (p: ProposedEvent) (position: Position) (version: StreamVersion) (now: DateTimeOffset) : RecordedEvent =
        let data = p.Data
        { Id = p.Id
          Tenant = tenant
          Position = position
          Stream = data.Stream
          StreamVersion = version
          Type = data.Type
          Tags = copyTags data.Tags
          Content = EventBody.OfText data.Body
          SchemaVersion = data.SchemaVersion
          Metadata = EventMetadata.normalize p.Metadata
          Timestamp = Timestamps.recorded now }

    /// Assigns positions after the head and versions after each stream's last version.
    let private plan (state: IAppendState) (now: DateTimeOffset) (request: AppendRequest) (checkpoints: CheckpointUpdate[]) =
        let events = request.Events
        let head = state.Head
        let recorded = Array.zeroCreate events.Length
        let streams = ResizeArray<StreamAdvance>()
        // Index of each stream in `streams`; built only for large appends, small ones scan the few streams they touch.
        let index = if events.Length > 16 then Dictionary<StreamId, int>(StringComparer.Ordinal) else null
        let slotOf (stream: StreamId) =
            if isNull index then
                let mutable found = -1
                let mutable k = 0
                while found < 0 && k < streams.Count do
                    if String.Equals(streams.[k].Stream, stream, StringComparison.Ordinal) then found <- k
                    k <- k + 1
                found
            else
                match index.TryGetValue stream with
                | true, i -> i
                | _ -> -1
        for i in 0 .. events.Length - 1 do
            let p = events.[i]
            let data = p.Data
            let version =
                if isNull data.Stream then 0L
                else
                    let slot = slotOf data.Stream
                    if slot >= 0 then
                        let next = streams.[slot].Version + 1L
                        streams.[slot] <- { Stream = data.Stream; Version = next }
                        next
                    else
                        let struct (last, _) = state.StreamState data.Stream
                        if not (isNull index) then index[data.Stream] <- streams.Count
                        streams.Add { Stream = data.Stream; Version = last + 1L }
                        last + 1L
            recorded.[i] <- record request.Tenant p (head + int64 i + 1L) version now
        { Events = recorded
          Head = head + int64 events.Length
          Streams = streams.ToArray()
          Checkpoints = checkpoints }

    /// The first error of an append's condition: a null part, a bad stream, expected version, query, position or check,
    /// more than Limits.Conditions conditions, or Alls nested deeper than Limits.ConditionDepth. The walk stops at the
    /// first error, so neither an absurdly long nor an absurdly deep condition is walked further (nor overflows the stack).
    let private conditionErrors (condition: AppendCondition) =
        // The condition's query is named under the condition, as its stream and position are ("condition.query.Items[0]").
        let conditionQuery query = Validation.query query |> Result.mapError (fun e -> { e with Field = $"condition.{e.Field}" })
        let count = ref 0
        let rec check (depth: int) (condition: AppendCondition) =
            count.Value <- count.Value + 1
            match condition with
            | c when obj.ReferenceEquals(c, null) ->
                Result.Error { Validation.Field = "condition"; Validation.Message = "The condition (or one of an All's) is null; use NoCondition." }
            | _ when count.Value > Limits.Conditions ->
                Result.Error { Field = "condition"; Message = $"The condition holds more than {Limits.Conditions} conditions (each All and each condition inside one counts)." }
            | NoCondition -> Ok()
            | StreamVersion(stream, expected) ->
                Validation.stream "condition.Stream" stream
                |> Result.bind (fun () -> Validation.expectedVersion "condition.Expected" expected)
            | FailIfEventsMatch(_, after) when after < 0L ->
                Result.Error { Field = "condition.After"; Message = $"The position the condition looks after must be 0 or more, not {after}." }
            | FailIfEventsMatch(query, _) -> conditionQuery query
            | Predicate(_, check, _) when obj.ReferenceEquals(check, null) ->
                Result.Error { Field = "condition.Check"; Message = "The predicate condition has no check function." }
            | Predicate(query, _, _) -> conditionQuery query
            | All conditions when obj.ReferenceEquals(conditions, null) ->
                Result.Error { Field = "condition"; Message = "The All condition's list is null; use an empty list." }
            | All _ when depth >= Limits.ConditionDepth ->
                Result.Error { Field = "condition"; Message = $"The condition nests All conditions more than {Limits.ConditionDepth} deep." }
            | All conditions ->
                let mutable result = Ok()
                let mutable rest = conditions
                while Result.isOk result && not rest.IsEmpty do
                    result <- check (depth + 1) rest.Head
                    rest <- rest.Tail
                result
        check 0 condition

    /// Checks an append's input: tenant, events (ids, types, tags, streams, bodies, metadata, sizes), condition and
    /// checkpoint. The first error names its field. Every surface runs it before anything is queued or locked.
    let validate (limits: InputLimits) (request: AppendRequest) : Result<unit, Validation.Error> =
        if obj.ReferenceEquals(request, null) then Result.Error { Field = "request"; Message = "The append request is null." }
        else
            Validation.tenant request.Tenant
            |> Result.bind (fun () -> Validation.proposed limits request.Events)
            |> Result.bind (fun () ->
                if obj.ReferenceEquals(request.Condition, null) then
                    Result.Error { Field = "condition"; Message = "The condition is null; use NoCondition." }
                else conditionErrors request.Condition)
            |> Result.bind (fun () ->
                match request.Checkpoint with
                | Some w -> Fencing.validateWrite w
                | None -> Ok())

    /// The event whose reserved type the error names, if that is what the error is about.
    let private reservedBehind (request: AppendRequest) (error: Validation.Error) =
        if obj.ReferenceEquals(request, null) || isNull request.Events || not (error.Field.StartsWith("events[", StringComparison.Ordinal) && error.Field.EndsWith("].Type", StringComparison.Ordinal)) then None
        else
            match Int32.TryParse(error.Field.Substring(7, error.Field.Length - 13)) with
            | true, i when i >= 0 && i < request.Events.Length && not (obj.ReferenceEquals(request.Events.[i], null))
                           && not (obj.ReferenceEquals(request.Events.[i].Data, null)) && ReservedEventTypes.isReserved request.Events.[i].Data.Type ->
                Some request.Events.[i].Data
            | _ -> None

    /// Runs `validate` and throws an InvalidInputException naming the tenant and the field on the first error (a
    /// ReservedEventTypeException, naming the stream and type too, when the error is a reserved event type).
    let validateOrThrow (limits: InputLimits) (request: AppendRequest) =
        let tenant = if obj.ReferenceEquals(request, null) then null else request.Tenant
        match validate limits request with
        | Result.Error e ->
            match reservedBehind request e with
            | Some data -> raise (ReservedEventTypeException(tenant, e.Field, data.Stream, data.Type, $"Tenant '{tenant}': {e.Field}: {e.Message}"))
            | None -> Validation.orThrow tenant (Result.Error e)
        | Ok() -> ()

    /// Decides one append against what the store knows, inside the tenant's write lock. Pure apart from the reads it
    /// asks of the state; throws only what a Predicate condition throws. Input must have passed `validate`.
    let decide (state: IAppendState) (now: DateTimeOffset) (request: AppendRequest) : AppendDecision =
        let events = request.Events
        let stored, known = storedOf state events
        if events.Length > 0 && known = events.Length then
            AlreadyStored(stored |> Array.sortBy (fun e -> e.Position))
        elif known > 0 then
            Reject(partialDuplicate request.Tenant known events.Length)
        else
            let fenced =
                match request.Checkpoint with
                | Some w ->
                    Fencing.write request.Tenant (state.Checkpoint w.Processor) w
                    |> Result.map (fun c -> [| { Processor = w.Processor; Checkpoint = c } |])
                | None -> Ok [||]
            match fenced with
            | Error failure -> Reject failure
            | Ok checkpoints ->
                match AppendCondition.evaluate state request.Condition with
                | Error failure -> Reject failure
                | Ok() -> Write(plan state now request checkpoints)

    /// Decides the members of a group commit in order, each against the state the earlier written ones leave; a member
    /// whose condition throws fails alone. The store writes `plan.Write` (when not empty) and answers each member.
    let decideGroup (state: IAppendState) (now: DateTimeOffset) (requests: IReadOnlyList<AppendRequest>) : GroupPlan =
        let overlay = AppendOverlay state
        let decisions =
            Array.init requests.Count (fun i ->
                try
                    let decision = decide overlay now requests.[i]
                    match decision with
                    | Write w -> overlay.Apply w
                    | _ -> ()
                    Ok decision
                with e ->
                    Error e)
        { Decisions = decisions; Write = overlay.Merged }
