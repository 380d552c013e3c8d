// A read model's own code (its decode, evolve or key function) threw on an event: the read fails naming the model,
// the instance and the event, and nothing is cached, so no other model, tenant or scope is touched.
namespace Hybrid

open System

/// A read model's reducer threw while folding an event: the read of that instance fails (every read of it, until the
/// model is fixed) naming the tenant, the model and its version, the instance's scope and the event; the inner exception
/// is the reducer's. Other instances, models and tenants are read as before.
type ReadModelFoldFailedException(key: ReadModelKey, eventId: Guid, eventType: string, position: Position, inner: exn) =
    inherit Exception(
        (let scope = if String.IsNullOrEmpty key.Scope then "" else $" (scope '{key.Scope}')"
         $"Tenant '{key.Tenant}': read model '{key.Model}' v{key.Version}{scope} failed to fold event {eventId} ({eventType}) at position {position}: {inner.Message}"),
        inner)

    /// The instance whose fold failed.
    member _.Key = key
    /// The tenant of the instance.
    member _.Tenant = key.Tenant
    /// The read model's name.
    member _.Model = key.Model
    /// The id of the event the reducer threw on.
    member _.EventId = eventId
    /// The type of the event the reducer threw on.
    member _.EventType = eventType
    /// The position of the event the reducer threw on.
    member _.Position = position
