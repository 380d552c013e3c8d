// Decoding each recorded event once: a store that hands out the same recorded events again (the in-memory store
// does) need not have their JSON bodies parsed again by every command, read model and invariant that folds them.
namespace Hybrid

open System.Runtime.CompilerServices

/// Remembering what pure decoders decoded.
module Decoding =

    /// The decoder, remembering its answer for each recorded event instance (weakly: an answer goes when its event
    /// does). Only for pure decoders, whose answer depends on the event alone; events read again from a store that
    /// builds new instances (PostgreSQL) are decoded again.
    let memoize (decode: RecordedEvent -> 'Event option) : RecordedEvent -> 'Event option =
        let answers = ConditionalWeakTable<RecordedEvent, StrongBox<'Event option>>()
        fun e ->
            match answers.TryGetValue e with
            | true, answer -> answer.Value
            | _ ->
                let answer = decode e
                answers.AddOrUpdate(e, StrongBox answer)
                answer
