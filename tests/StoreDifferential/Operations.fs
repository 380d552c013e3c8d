// The operations a sequence is made of, and how one runs against a store and against the model.
namespace Hybrid.Tests.StoreDifferential

open System
open System.Threading
open System.Threading.Tasks
open Hybrid

/// An append as generated; the runner gives its events their ids.
type AppendSpec =
    { Events: EventData list
      Metadata: EventMetadata
      Condition: AppendCondition
      Checkpoint: CheckpointWrite option }

/// A way to make a valid append invalid, named after the rule it breaks.
[<CustomEquality; NoComparison>]
type Corruption =
    { Name: string
      Apply: AppendRequest -> AppendRequest }

    override c.ToString() = c.Name
    override c.Equals other = match other with :? Corruption as o -> o.Name = c.Name | _ -> false
    override c.GetHashCode() = c.Name.GetHashCode()

/// A member of a concurrent group: a new append, or an earlier one sent again.
type Member =
    | New of AppendSpec
    | Again of earlier: int

/// One step of a sequence. Tenants are indexes into the sequence's fresh tenant ids.
type Op =
    | Append of tenant: int * AppendSpec
    /// An earlier append sent again with the same ids (a client retry).
    | Resend of earlier: int
    /// The ids of an earlier append with one new event: a partial duplicate.
    | PartialResend of earlier: int * extra: EventData
    /// A valid append made invalid by one rule of the validator.
    | BadAppend of tenant: int * AppendSpec * Corruption
    /// Appends to one tenant sent at once: each store may commit them in any order (and group them).
    | Concurrent of tenant: int * members: Member list
    | Read of tenant: int * EventQuery
    | ReadStream of tenant: int * StreamRead
    | Delete of tenant: int * StreamId * ExpectedVersion
    | Claim of tenant: int * processor: string * token: int64
    | ReadCheckpoint of tenant: int * processor: string
    | GetStreamState of tenant: int * StreamId
    | GetHead of tenant: int

/// Running single operations against a store, answers as answers.
module StoreCalls =

    let private ct = CancellationToken.None

    /// Awaits an operation, turning what it threw into an answer.
    let answer (run: unit -> Task<Answer>) : Task<Answer> =
        task {
            try
                return! run ()
            with e ->
                return Answer.ofException e
        }

    let append (store: IEventStore) (request: AppendRequest) =
        answer (fun () -> task { let! r = store.Append(request, ct) in return Answer.ofAppend r })

    let read (store: IEventStore) tenant query =
        answer (fun () -> task { let! es = store.Read(tenant, query, ct) in return Events(Answer.shapes es) })

    let readStream (store: IEventStore) tenant read =
        answer (fun () -> task { let! es = store.ReadStream(tenant, read, ct) in return Events(Answer.shapes es) })

    let delete (store: IEventStore) tenant stream expected =
        answer (fun () ->
            task {
                match! store.DeleteStream(tenant, stream, expected, ct) with
                | StreamDeleted v -> return Deleted v
                | DeleteFailed f -> return DeleteRefused(f.Kind, f.ActualVersion)
            })

    let claim (store: IEventStore) tenant processor token =
        answer (fun () ->
            task {
                let! r = store.ClaimCheckpoint(tenant, processor, token, ct)
                match r with
                | Ok c -> return CheckpointIs(c.Position, c.Fence)
                | Error f -> return ClaimFailed f.Kind
            })

    let readCheckpoint (store: IEventStore) tenant processor =
        answer (fun () -> task { let! c = store.ReadCheckpoint(tenant, processor, ct) in return CheckpointIs(c.Position, c.Fence) })

    let head (store: IEventStore) tenant =
        answer (fun () -> task { let! h = store.GetHead(tenant, ct) in return HeadIs h })

    let streamState (store: IEventStore) tenant stream =
        answer (fun () -> task { let! s = store.GetStreamState(tenant, stream, ct) in return StreamIs(s.Version, s.DeletedUpTo) })

    let tenantsAmong (store: IEventStore) (tenants: TenantId list) =
        answer (fun () ->
            task {
                let! all = store.GetTenants ct
                let ours = Set.ofList tenants
                return TenantsAre(all |> Array.filter ours.Contains |> List.ofArray)
            })
