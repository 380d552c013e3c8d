// Who may do what in the sample. Every command and query names its rule; anything else is denied.
module Hybrid.Sample.Access

open Hybrid

/// The roles the sample knows.
module Roles =
    /// Edits todo lists.
    [<Literal>]
    let Member = "member"

    /// Invites customers; can do everything a member can.
    [<Literal>]
    let Admin = "admin"

    /// Reads only.
    [<Literal>]
    let Viewer = "viewer"

/// Members and admins edit todo lists.
let canEditLists (caller: Caller) =
    caller.IsAuthenticated && (caller.IsInRole Roles.Member || caller.IsInRole Roles.Admin)

/// Only admins invite customers and see billing.
let isAdmin (caller: Caller) = caller.IsAuthenticated && caller.IsInRole Roles.Admin

/// Any signed-in caller with a role reads lists and customers.
let canRead (caller: Caller) = caller.IsAuthenticated && caller.Roles.Length > 0
