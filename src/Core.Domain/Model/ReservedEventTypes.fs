// Event types only the store writes (purge placeholders and audits, '$'-prefixed system types): an append of a user,
// command, processor or periodic task may not use them, so a reader can trust that such an event came from the store.
namespace Hybrid

open System

/// The event types a store keeps for itself; Validation refuses them in appends (reads and queries may name them).
[<RequireQualifiedAccess>]
module ReservedEventTypes =

    /// The type of a purge placeholder (an event whose body, tags and metadata were purged).
    [<Literal>]
    let Placeholder = "Purged"

    /// The type of the audit event a purge appends.
    [<Literal>]
    let PurgeAudit = "StreamPurged"

    /// What the store writes each named reserved type for.
    let named = Map.ofList [ Placeholder, "purge placeholders"; PurgeAudit, "purge audit events" ]

    /// Why the type is reserved ("purge placeholders", "system types"), or None when a user may append it.
    let reason (eventType: string) =
        if String.IsNullOrEmpty eventType then None
        elif eventType.[0] = '$' then Some "system types (the '$' prefix)"
        else Map.tryFind eventType named

    /// True when only the store may write events of this type.
    let isReserved (eventType: string) = (reason eventType).IsSome
