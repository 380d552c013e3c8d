// Who may run a command or query: pure functions of the caller and the request. Deny by default.
namespace Hybrid

/// An authorization verdict.
[<RequireQualifiedAccess>]
type Authorization =
    | Allowed
    | Denied of reason: string

/// Common authorization functions. A definition without one is refused: see Authorize.check.
module Authorize =

    /// Allows every caller, anonymous ones included: an explicit choice, never a default.
    let anyone (_: Caller) (_: 'Request) = Authorization.Allowed

    /// Allows callers with an identity.
    let authenticated (caller: Caller) (_: 'Request) =
        if caller.IsAuthenticated then Authorization.Allowed
        else Authorization.Denied "The caller has no identity."

    /// Allows authenticated callers having the role.
    let inRole (role: string) (caller: Caller) (_: 'Request) =
        if not caller.IsAuthenticated then Authorization.Denied "The caller has no identity."
        elif caller.IsInRole role then Authorization.Allowed
        else Authorization.Denied $"The caller '{caller.Actor}' lacks the role '{role}'."

    /// Runs an optional authorization function: none means denied.
    let check (authorize: (Caller -> obj -> Authorization) option) (kind: string) (name: string) (caller: Caller) (request: obj) =
        match authorize with
        | None -> Authorization.Denied $"The {kind} '{name}' has no authorization function, so it is refused."
        | Some f -> f caller request
