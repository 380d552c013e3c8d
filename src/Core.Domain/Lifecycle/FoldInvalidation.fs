// Which log events make a cached fold stale: a purge or a forgotten subject changes events below a read model's
// watermark, so an instance that folded them must fold again from the start.
namespace Hybrid

/// The lifecycle events that invalidate folds, and the query that lets a fold see them.
[<RequireQualifiedAccess>]
module FoldInvalidation =

    /// The type of the audit event appended when a subject is forgotten (its personal data can no longer be read).
    [<Literal>]
    let SubjectForgottenType = "SubjectForgotten"

    /// The event types after which a fold that started before them must start again.
    let types = [| Purging.AuditType; SubjectForgottenType |]

    /// True when a fold that has already folded events below this one must fold again from the start.
    let invalidates (e: RecordedEvent) = e.Type = Purging.AuditType || e.Type = SubjectForgottenType

    /// The query a fold reads: its own, plus the invalidating events (a query of every event already has them).
    let widen (query: EventQuery) : EventQuery =
        if query.Items.Length = 0 || query.Items |> Array.exists (fun i -> i.Types.Length = 0 && i.Tags.Length = 0) then query
        else { query with Items = Array.append query.Items [| QueryItem.OfTypes types |] }
