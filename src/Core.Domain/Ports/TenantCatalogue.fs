// The tenant catalogue: which tenants exist, whether or not they have events yet. Tasks for all tenants fire for
// every registered tenant. (Scale-out extends each entry with where the tenant's data lives.)
namespace Hybrid

open System
open System.Threading
open System.Threading.Tasks

/// A registered tenant.
type TenantEntry =
    { Tenant: TenantId
      /// When it was first registered.
      RegisteredAt: DateTimeOffset }

/// The registered tenants, shared by every node.
type ITenantCatalogue =
    /// Registers a tenant; registering it again changes nothing. True when it was new. A malformed id is rejected
    /// with an InvalidInputException naming it.
    abstract Register: tenant: TenantId * ct: CancellationToken -> Task<bool>
    /// Every registered tenant, in ordinal order of their ids.
    abstract List: ct: CancellationToken -> Task<TenantEntry[]>
