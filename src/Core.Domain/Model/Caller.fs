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

/// The checks of a caller every surface applies before running anything.
module Caller =

    /// The longest actor, role or correlation id accepted.
    [<Literal>]
    let MaxTextLength = 200

    /// The most roles a caller may have.
    [<Literal>]
    let MaxRoles = 32

    /// The tenant's format, and actor, roles and correlation id short and free of control characters; errors name
    /// the field ("tenant", "actor", "roles", "correlationId").
    let validate (caller: Caller) : Result<unit, Validation.Error> =
        let roles = if isNull caller.Roles then [||] else caller.Roles
        Validation.tenant caller.Tenant
        |> Result.bind (fun () -> Validation.text "actor" MaxTextLength caller.Actor)
        |> Result.bind (fun () ->
            if roles.Length > MaxRoles then Error { Validation.Field = "roles"; Validation.Message = $"A caller may have at most {MaxRoles} roles." }
            else roles |> Array.fold (fun r role -> r |> Result.bind (fun () -> Validation.text "roles" MaxTextLength role)) (Ok()))
        |> Result.bind (fun () -> Validation.text "correlationId" MaxTextLength caller.CorrelationId)
