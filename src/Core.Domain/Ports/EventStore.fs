// The event store port: the contract every store (in-memory, PostgreSQL) implements and the conformance suite checks.
namespace Hybrid

open System
open System.Collections.Generic
open System.Threading
open System.Threading.Tasks

/// One append: events for a tenant, a condition checked inside the tenant's write lock, and optionally
/// a processor checkpoint committed with the events.
type AppendRequest =
    { Tenant: TenantId
      Events: ProposedEvent[]
      Condition: AppendCondition
      Checkpoint: CheckpointWrite option }

    /// An unconditional append.
    static member Of(tenant: TenantId, [<System.ParamArray>] events: ProposedEvent[]) =
        { Tenant = tenant; Events = events; Condition = NoCondition; Checkpoint = None }

    /// The same append with a condition.
    member r.When(condition: AppendCondition) = { r with Condition = condition }

/// A range of one stream's versions: strictly between After and Before, in Direction, at most Limit (0: no limit).
type StreamRead =
    { Stream: StreamId
      After: StreamVersion
      Before: StreamVersion
      Direction: Direction
      Limit: int }

    /// The whole stream, oldest first.
    static member Forward(stream: StreamId) =
        { Stream = stream; After = Names.NoVersion; Before = System.Int64.MaxValue; Direction = Direction.Forward; Limit = 0 }

    /// The whole stream, newest first.
    static member Backward(stream: StreamId) = { StreamRead.Forward stream with Direction = Direction.Backward }

/// A stream's state.
[<Struct>]
type StreamState =
    { /// The last version ever assigned (deleted versions included); 0 when never written.
      Version: StreamVersion
      /// The version of the tombstone's last deleted event, 0 when never deleted. Reads return only events above it.
      DeletedUpTo: StreamVersion }

    /// True when the stream has events after its last deletion.
    member s.IsLive = s.Version > s.DeletedUpTo

/// The result of deleting a stream.
type DeleteResult =
    /// The stream is deleted up to this version; versions are never reused.
    | StreamDeleted of StreamVersion
    /// Nothing changed.
    | DeleteFailed of ConditionFailure

/// What a subscription delivers.
type SubscriptionMessage =
    /// The next matching event.
    | Event of RecordedEvent
    /// Every event up to this position has been delivered; what follows is live.
    | CaughtUp of Position

/// The event store. Every operation names a tenant; nothing crosses tenants.
type IEventStore =
    inherit ICheckpointStore
    /// Appends the events atomically if the condition holds. Re-appending ids already stored returns the stored envelopes.
    abstract Append: request: AppendRequest * ct: CancellationToken -> Task<AppendResult>
    /// Reads the tenant's log ($all) through a query.
    abstract Read: tenant: TenantId * query: EventQuery * ct: CancellationToken -> Task<RecordedEvent[]>
    /// Reads a stream's live events.
    abstract ReadStream: tenant: TenantId * read: StreamRead * ct: CancellationToken -> Task<RecordedEvent[]>
    /// A stream's version and deletion mark.
    abstract GetStreamState: tenant: TenantId * stream: StreamId * ct: CancellationToken -> Task<StreamState>
    /// Deletes a stream (a tombstone): its events disappear from stream reads, stay in $all, and versions go on.
    abstract DeleteStream: tenant: TenantId * stream: StreamId * expected: ExpectedVersion * ct: CancellationToken -> Task<DeleteResult>
    /// The tenant's last position, 0 when empty.
    abstract GetHead: tenant: TenantId * ct: CancellationToken -> Task<Position>
    /// The tenants that have at least one event.
    abstract GetTenants: ct: CancellationToken -> Task<TenantId[]>
    /// Catch-up from query.After (exclusive) through the matching events, a CaughtUp marker, then live events.
    /// Query.Before, Direction and Limit are ignored. A slow subscriber never blocks appends.
    abstract Subscribe: tenant: TenantId * query: EventQuery * ct: CancellationToken -> IAsyncEnumerable<SubscriptionMessage>

/// Reads one event by its id. A store implements it beside IEventStore (the ids are indexed); decorators pass it on.
/// Callers use the shell's ReadById extension, which falls back to scanning the log for stores without it.
type IEventByIdReader =
    /// The event with this id: none when no event of the tenant has it; several when an upcaster split it (the parts
    /// share its id and position).
    abstract ReadById: tenant: TenantId * id: Guid * ct: CancellationToken -> Task<RecordedEvent[]>
