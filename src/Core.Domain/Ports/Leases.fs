// Leases: one active node per resource (e.g. a processor and tenant), each grant carrying a fencing token.
namespace Hybrid

open System
open System.Threading
open System.Threading.Tasks

/// A lease held by a node until ExpiresAt, unless renewed.
type Lease =
    { Resource: string
      Owner: string
      /// Strictly increasing per resource across grants: checkpoints fenced by it reject older holders.
      FencingToken: int64
      ExpiresAt: DateTimeOffset }

/// An operator's pause of a processor, kept in the lease store so that every node honours it: nodes give up the
/// paused leases (or tenants) and take them again only after a resume.
type ProcessorPause =
    { Processor: string
      /// The paused tenant, or "" (Pausing.everyTenant) for every tenant.
      Tenant: TenantId
      /// When it was paused (the store's clock).
      PausedAt: DateTimeOffset }

/// Lease storage. Time is the store's own (the database's clock, or the TimeProvider the shell passes in).
type ILeaseStore =
    /// Grants the lease when free or expired (a new token), or renews it when the owner already holds it (same token).
    abstract TryAcquire: resource: string * owner: string * duration: TimeSpan * ct: CancellationToken -> Task<Lease option>
    /// Extends a lease its owner still holds; None when it was lost.
    abstract Renew: lease: Lease * duration: TimeSpan * ct: CancellationToken -> Task<Lease option>
    /// Gives a lease up so another node can take it at once.
    abstract Release: lease: Lease * ct: CancellationToken -> Task
    /// The leases currently held whose resource starts with the prefix.
    abstract List: prefix: string * ct: CancellationToken -> Task<Lease[]>
    /// Removes the heartbeats of nodes (leases under "node/") that expired more than goneFor ago, so node ids that are
    /// not used again do not pile up; returns how many. Live nodes stay, and so do all other leases (their fencing
    /// tokens must keep growing).
    abstract ForgetNodes: goneFor: TimeSpan * ct: CancellationToken -> Task<int>
    /// Pauses a processor for a tenant ("" for every tenant); true when it was not paused so before.
    abstract Pause: processor: string * tenant: TenantId * ct: CancellationToken -> Task<bool>
    /// Lifts a pause; true when there was one.
    abstract Resume: processor: string * tenant: TenantId * ct: CancellationToken -> Task<bool>
    /// Every pause, by processor and tenant (ordinal).
    abstract Pauses: ct: CancellationToken -> Task<ProcessorPause[]>

/// The pure pausing rule, shared by every node and store.
module Pausing =

    /// The tenant of a pause that holds for every tenant.
    [<Literal>]
    let everyTenant = ""

    /// True when a pause stops this processor for this tenant.
    let stops (processor: string) (tenant: TenantId) (pause: ProcessorPause) =
        pause.Processor = processor && (pause.Tenant = everyTenant || pause.Tenant = tenant)

    /// True when any of the pauses stops the processor for the tenant.
    let isPaused (pauses: ProcessorPause seq) (processor: string) (tenant: TenantId) =
        pauses |> Seq.exists (stops processor tenant)
