// Hard delete (purge): what a purge replaces, the placeholder it leaves, and the audit event it appends. Pure: each
// store reads what the plan needs under its tenant write lock, calls `plan`, and carries the plan out atomically.
namespace Hybrid

open System
open System.IO
open System.Text.Json

/// What a purge removes.
type PurgeTarget =
    /// Every event of the stream; the stream is then deleted (a tombstone at its last version).
    | WholeStream of StreamId
    /// These events of the tenant's log, wherever they are (retention).
    | EventsAt of Position[]

/// A purge: the target, why, the audit event's id (an idempotency key from the shell) and metadata.
type PurgeRequest =
    { Tenant: TenantId
      Target: PurgeTarget
      /// Why the data goes, kept in the audit event (e.g. "GDPR erasure request 42").
      Reason: string
      AuditId: Guid
      Metadata: EventMetadata }

/// Why a purge changed nothing.
type PurgeFailureKind =
    /// The stream was never written in this tenant.
    | UnknownStream = 0
    /// A position is beyond the tenant's head.
    | UnknownPosition = 1
    /// The audit id is the id of an event already stored (another event's, or an earlier purge's audit event).
    | AuditIdStored = 2

/// A purge that changed nothing, with a sentence naming the tenant and the stream or position.
type PurgeFailure =
    { Kind: PurgeFailureKind
      Tenant: TenantId
      Reason: string }

/// What a store writes for a purge, atomically.
type PurgePlan =
    { /// The placeholders that replace the purged events (same position, id, stream and version).
      Placeholders: RecordedEvent[]
      /// The stream to delete up to a version, when the target is a stream not yet deleted that far.
      Tombstone: (StreamId * StreamVersion) option
      /// The audit event to append after the purge; none when nothing was left to purge.
      Audit: ProposedEvent option }

/// What a purge did.
type PurgeResult =
    /// The events at these positions are placeholders now (empty when they already were), with the audit event.
    | Purged of positions: Position[] * audit: RecordedEvent option
    /// Nothing changed.
    | PurgeRefused of PurgeFailure

/// A store that purges: implemented beside IEventStore by every store (rows are rewritten in place).
type IEventPurger =
    /// Replaces the target's events by placeholders, deletes a purged stream and appends the audit event, atomically.
    abstract Purge: request: PurgeRequest * ct: Threading.CancellationToken -> Threading.Tasks.Task<PurgeResult>

/// The rules of a purge, the same on every store.
[<RequireQualifiedAccess>]
module Purging =

    /// The type of a placeholder: an event whose body, tags and metadata were purged.
    [<Literal>]
    let PurgedType = ReservedEventTypes.Placeholder

    /// The type of the audit event a purge appends (no stream, no tags; the body says what went and why).
    [<Literal>]
    let AuditType = ReservedEventTypes.PurgeAudit

    /// The longest reason kept in an audit event.
    [<Literal>]
    let ReasonLength = 256

    /// The body every placeholder has.
    [<Literal>]
    let EmptyBody = "{}"

    /// True when the event is a placeholder.
    let isPurged (e: RecordedEvent) = e.Type = PurgedType

    /// The placeholder of an event: its position, id, stream, version and time stay; type, body, tags and metadata go.
    let placeholder (e: RecordedEvent) : RecordedEvent =
        { e with Type = PurgedType; Tags = [||]; Content = EventBody.OfText EmptyBody; SchemaVersion = 1; Metadata = EventMetadata.Empty }

    /// The request's problem, or Ok: a valid tenant, a target (a valid stream, or positions of 1 or more), a reason of
    /// text and a non-empty audit id.
    let validate (request: PurgeRequest) =
        if obj.ReferenceEquals(request, null) then Result.Error { Validation.Field = "request"; Validation.Message = "The purge request is null." }
        else
            Validation.tenant request.Tenant
            |> Result.bind (fun () ->
                match request.Target with
                | target when obj.ReferenceEquals(target, null) ->
                    Result.Error { Field = "target"; Message = "The purge target is null: name a stream (WholeStream) or positions (EventsAt)." }
                | WholeStream stream -> Validation.stream "stream" stream
                | EventsAt positions when isNull positions || positions.Length = 0 ->
                    Result.Error { Field = "positions"; Message = "No positions to purge were given." }
                | EventsAt positions ->
                    match positions |> Array.tryFind (fun p -> p < 1L) with
                    | Some p -> Result.Error { Field = "positions"; Message = $"Position {p} is not a position of the log (they start at 1)." }
                    | None -> Ok())
            |> Result.bind (fun () ->
                if isNull request.Reason || request.Reason.Trim().Length = 0 then
                    Result.Error { Field = "reason"; Message = "A purge needs a reason (it is kept in the audit event)." }
                elif request.Reason.Length > ReasonLength then
                    Result.Error { Field = "reason"; Message = $"The reason is longer than {ReasonLength} characters." }
                elif request.AuditId = Guid.Empty then
                    Result.Error { Field = "auditId"; Message = "The audit id is empty: it is the audit event's id and idempotency key, and must be set." }
                else Ok())

    /// Runs `validate` and throws an InvalidInputException naming the tenant and the field on the first error.
    let validateOrThrow (request: PurgeRequest) =
        Validation.orThrow (if obj.ReferenceEquals(request, null) then null else request.Tenant) (validate request)

    let private auditBody (target: PurgeTarget) (purged: RecordedEvent[]) (reason: string) =
        use buffer = new MemoryStream(128)
        (use w = new Utf8JsonWriter(buffer)
         w.WriteStartObject()
         match target with
         | WholeStream stream -> w.WriteString("stream", stream)
         | EventsAt _ -> w.WriteNull("stream")
         w.WriteNumber("events", purged.Length)
         if purged.Length > 0 then
             w.WriteNumber("fromPosition", purged |> Array.map (fun e -> e.Position) |> Array.min)
             w.WriteNumber("toPosition", purged |> Array.map (fun e -> e.Position) |> Array.max)
         w.WriteString("reason", reason)
         w.WriteEndObject())
        Text.Encoding.UTF8.GetString(buffer.ToArray())

    /// The audit event of a purge that replaced these events.
    let audit (request: PurgeRequest) (purged: RecordedEvent[]) : ProposedEvent =
        { Id = request.AuditId
          Data = EventData.Tagged(AuditType, auditBody request.Target purged request.Reason)
          Metadata = if obj.ReferenceEquals(request.Metadata, null) then EventMetadata.Empty else request.Metadata }

    /// Plans a purge from what the store read under the tenant's lock: the tenant's head, the target stream's state
    /// (for a stream target) and the target's events as stored (placeholders included). Purging what is already
    /// purged plans nothing (no audit event), so a retried purge is harmless.
    let plan (request: PurgeRequest) (head: Position) (stream: StreamState) (events: RecordedEvent[]) : Result<PurgePlan, PurgeFailure> =
        let refuse kind reason = Result.Error { Kind = kind; Tenant = request.Tenant; Reason = $"Tenant '{request.Tenant}': {reason}" }
        match request.Target with
        | WholeStream id when stream.Version = 0L -> refuse PurgeFailureKind.UnknownStream $"stream '{id}' does not exist."
        | EventsAt positions when positions |> Array.exists (fun p -> p > head) ->
            let p = positions |> Array.max
            refuse PurgeFailureKind.UnknownPosition $"position {p} is beyond the log's head ({head})."
        | target ->
            let live = events |> Array.filter (isPurged >> not) |> Array.sortBy (fun e -> e.Position)
            let tombstone =
                match target with
                | WholeStream id when stream.DeletedUpTo < stream.Version -> Some(id, stream.Version)
                | _ -> None
            let changes = live.Length > 0 || tombstone.IsSome
            Ok { Placeholders = Array.map placeholder live
                 Tombstone = tombstone
                 Audit = if changes then Some(audit request live) else None }

    /// A plan checked against what the store holds: a purge that would append its audit event under the id of an event
    /// already stored (another event's, or the audit of an earlier purge of other events) is refused, and nothing is
    /// purged. A plan without an audit event (nothing left to purge, a retried purge) passes.
    let admit (request: PurgeRequest) (state: IAppendState) (planned: Result<PurgePlan, PurgeFailure>) : Result<PurgePlan, PurgeFailure> =
        match planned with
        | Ok { Audit = Some audit } ->
            let mutable stored = Unchecked.defaultof<RecordedEvent>
            if state.TryGetStored(audit.Id, &stored) then
                Result.Error
                    { Kind = PurgeFailureKind.AuditIdStored
                      Tenant = request.Tenant
                      Reason = $"Tenant '{request.Tenant}': the purge's audit id {audit.Id} is the id of the event at position {stored.Position}; give each purge an audit id of its own." }
            else planned
        | other -> other
