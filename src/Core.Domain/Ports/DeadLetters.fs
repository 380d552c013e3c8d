// Dead letters: events a processor gave up on after its retries, kept for operators to list and replay.
namespace Hybrid

open System
open System.Threading
open System.Threading.Tasks

/// Where a dead letter stands.
type DeadLetterStatus =
    /// Waiting for an operator.
    | Pending = 0
    /// Replayed successfully.
    | Replayed = 1
    /// Dismissed by an operator.
    | Discarded = 2

/// An event a processor failed to handle after all its attempts. One per (tenant, processor, position).
[<CLIMutable>]
type DeadLetter =
    { Tenant: TenantId
      Processor: string
      /// The source event's position in the tenant's log.
      Position: Position
      EventId: Guid
      EventType: string
      /// The last failure: exception type and message.
      Error: string
      /// Attempts made so far, replays included.
      Attempts: int
      /// When the event was last given up on.
      FailedAt: DateTimeOffset
      Status: DeadLetterStatus }

    /// The same dead letter with another status.
    member d.WithStatus(status: DeadLetterStatus) = { d with Status = status }

    /// The same dead letter after more failed attempts.
    member d.FailedAgain(error: string, attempts: int, at: DateTimeOffset) =
        { d with Error = error; Attempts = d.Attempts + attempts; FailedAt = at }

/// Dead-letter storage. Adding the same (tenant, processor, position) again replaces the entry.
type IDeadLetterStore =
    /// Stores or replaces the dead letter.
    abstract Put: deadLetter: DeadLetter * ct: CancellationToken -> Task
    /// The dead letters of a tenant (every tenant when null) and processor (every processor when null), by tenant, processor and position.
    abstract List: tenant: TenantId * processor: string * ct: CancellationToken -> Task<DeadLetter[]>
    /// One dead letter, or None.
    abstract TryGet: tenant: TenantId * processor: string * position: Position * ct: CancellationToken -> Task<DeadLetter option>
