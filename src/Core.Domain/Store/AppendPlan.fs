// What a store tells the append decision (IAppendState) and what the decision tells the store (AppendDecision).
namespace Hybrid

open System
open System.Runtime.InteropServices

/// What a store knows about one tenant inside its write lock: everything Append.decide may ask, answered lazily.
/// Condition reads come from IConditionReader; a store overlays nothing itself (see AppendOverlay for groups).
type IAppendState =
    inherit IConditionReader
    /// The tenant's last position; 0 when it has no events.
    abstract Head: Position
    /// The stored event with this id, when there is one.
    abstract TryGetStored: id: Guid * [<Out>] stored: byref<RecordedEvent> -> bool
    /// The processor's checkpoint; position 0 and fence 0 when none was written.
    abstract Checkpoint: processor: string -> Checkpoint

/// A stream's last version after a write.
[<Struct>]
type StreamAdvance =
    { Stream: StreamId
      /// The stream's last version once the write is done.
      Version: StreamVersion }

/// A processor's checkpoint after a write.
[<Struct>]
type CheckpointUpdate =
    { Processor: string
      Checkpoint: Checkpoint }

/// The write a store carries out atomically (all of it or none of it).
type AppendWrite =
    { /// The envelopes to store, in position order from the old head + 1; empty for an empty append.
      Events: RecordedEvent[]
      /// The tenant's head once the write is done (unchanged when Events is empty).
      Head: Position
      /// Every stream the write touches, with its last version once the write is done, in first-touched order.
      /// A stream's tombstone (DeletedUpTo) is never changed by an append.
      Streams: StreamAdvance[]
      /// The checkpoints to store with the events (at most one per processor).
      Checkpoints: CheckpointUpdate[] }

    /// True when there is nothing to store: an empty append without a checkpoint.
    member w.IsEmpty = w.Events.Length = 0 && w.Checkpoints.Length = 0

/// What Append.decide tells the store to do with one append.
type AppendDecision =
    /// Carry out the write atomically, then answer Appended with its events.
    | Write of AppendWrite
    /// Every event of the append is already stored (an idempotent re-send): write nothing and answer Appended with
    /// these stored envelopes, in position order.
    | AlreadyStored of RecordedEvent[]
    /// Write nothing and answer ConditionFailed.
    | Reject of ConditionFailure

    /// The answer the store gives once it has carried out the decision.
    member d.Result =
        match d with
        | Write w -> Appended w.Events
        | AlreadyStored events -> Appended events
        | Reject failure -> ConditionFailed failure
