// How commands and queries see read models: the state a tenant's read model had folded up to a position.
namespace Hybrid

open System.Threading
open System.Threading.Tasks

/// A read model's state for one tenant and scope, with the last log position folded into it.
type ReadModelView =
    { Model: string
      Tenant: TenantId
      /// The scope within the model (an entity key or a partition); empty for the whole model.
      Scope: string
      State: obj
      Position: Position }

/// Reads read models. Implemented by the read-model engine; used by queries and read-your-writes responses.
type IReadModelViews =
    /// The model's state consistent with the tenant's log at the time of the call.
    abstract Read: tenant: TenantId * model: string * scope: string * ct: CancellationToken -> Task<ReadModelView>
    /// True when a read model of that name is registered.
    abstract Knows: model: string -> bool
    /// Waits until the model has folded the tenant's log at least up to the position (or the token fires), then reads it.
    abstract ReadAtLeast: tenant: TenantId * model: string * scope: string * position: Position * ct: CancellationToken -> Task<ReadModelView>
