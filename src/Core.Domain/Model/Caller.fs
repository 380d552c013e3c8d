// Who is asking: the identity and tenant the host resolves for each command or query.
namespace Hybrid

/// The caller of a command or query, supplied by the host (from headers, claims or a simulation).
type Caller =
    { Tenant: TenantId
      /// The caller's identity; empty for anonymous callers.
      Actor: string
      Roles: string[]
      /// Shared by every message of one logical operation.
      CorrelationId: string }

    /// True when the caller has the role.
    member c.IsInRole(role: string) = Array.contains role c.Roles

    /// True when the caller has an identity.
    member c.IsAuthenticated = not (System.String.IsNullOrEmpty c.Actor)
