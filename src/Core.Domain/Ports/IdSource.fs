// Ids come from the shell: the core never creates them.
namespace Hybrid

open System

/// Creates event ids. Production shells return UUIDv7 (time-ordered); simulations return seeded, deterministic ids.
type IIdSource =
    abstract NewId: unit -> Guid
