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
