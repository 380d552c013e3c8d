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

/// The rules every dead-letter store applies to a dead letter before it keeps it, so all stores refuse the same bad
/// input and return the same dead letter for the same Put.
module DeadLetterRules =

    /// The longest error text kept, in characters: a longer one is cut and ends with '…'.
    [<Literal>]
    let MaxErrorLength = 4000

    let private fail field message = Result.Error({ Field = field; Message = message }: Validation.Error)

    /// Ok, or the first problem with the dead letter: its tenant, its processor's name, a position of 1 or more,
    /// attempts of 0 or more and a defined status.
    let validate (deadLetter: DeadLetter) : Result<unit, Validation.Error> =
        if isNull (box deadLetter) then fail "deadLetter" "The dead letter is null."
        else
            Validation.tenant deadLetter.Tenant
            |> Result.bind (fun () -> Validation.processor "processor" deadLetter.Processor)
            |> Result.bind (fun () ->
                if deadLetter.Position < 1L then fail "position" $"The dead letter's position must be 1 or more (an event's position), not {deadLetter.Position}."
                elif deadLetter.Attempts < 0 then fail "attempts" $"The dead letter's attempts must be 0 or more, not {deadLetter.Attempts}."
                elif not (Enum.IsDefined deadLetter.Status) then fail "status" $"The dead letter's status {int deadLetter.Status} is not Pending, Replayed or Discarded."
                else Ok())

    /// Text as every store can keep it: null as empty, NUL characters (which PostgreSQL's text refuses) as U+FFFD.
    let private storable (text: string) = if isNull text then "" else text.Replace('\000', '\uFFFD')

    /// The dead letter as every store keeps and returns it: the failure time to the microsecond in UTC (the finest
    /// PostgreSQL keeps), the texts storable (null as empty, NUL as U+FFFD), the error at most MaxErrorLength characters.
    let normalize (deadLetter: DeadLetter) : DeadLetter =
        let error = storable deadLetter.Error
        let error = if error.Length <= MaxErrorLength then error else error.Substring(0, MaxErrorLength - 1) + "…"
        { deadLetter with
            EventType = storable deadLetter.EventType
            Error = error
            FailedAt = Timestamps.recorded deadLetter.FailedAt }
