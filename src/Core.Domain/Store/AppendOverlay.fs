// The state a group's later members see: the store's state plus the writes accepted earlier in the same group.
namespace Hybrid

open System
open System.Collections.Generic

/// A store's state (read once inside the lock) with the writes of earlier group members laid over it, so that each
/// member of a group commit is decided exactly as if the earlier ones had committed alone before it. Apply only the
/// writes that will be carried out: a member the store could not write is simply not applied.
[<Sealed>]
type AppendOverlay(inner: IAppendState) =
    let accepted = ResizeArray<RecordedEvent>()
    let byId = Dictionary<Guid, RecordedEvent>()
    let versions = Dictionary<StreamId, StreamVersion>(StringComparer.Ordinal)
    let streamOrder = ResizeArray<StreamId>()
    let checkpoints = Dictionary<string, Checkpoint>(StringComparer.Ordinal)
    let checkpointOrder = ResizeArray<string>()
    let mutable head = inner.Head

    /// Lays a write over the state: its events, stream versions, checkpoints and head.
    member _.Apply(write: AppendWrite) =
        for e in write.Events do
            accepted.Add e
            byId[e.Id] <- e
        for s in write.Streams do
            if not (versions.ContainsKey s.Stream) then streamOrder.Add s.Stream
            versions[s.Stream] <- s.Version
        for c in write.Checkpoints do
            if not (checkpoints.ContainsKey c.Processor) then checkpointOrder.Add c.Processor
            checkpoints[c.Processor] <- c.Checkpoint
        head <- max head write.Head

    /// Every write applied so far as one: the events in position order, each touched stream's and checkpoint's
    /// final state, and the head. This is what a group commit stores.
    member _.Merged =
        { Events = accepted.ToArray()
          Head = head
          Streams = streamOrder |> Seq.map (fun s -> { Stream = s; Version = versions[s] }) |> Array.ofSeq
          Checkpoints = checkpointOrder |> Seq.map (fun p -> { Processor = p; Checkpoint = checkpoints[p] }) |> Array.ofSeq }

    interface IAppendState with
        member _.Head = head

        member _.TryGetStored(id, stored) =
            match byId.TryGetValue id with
            | true, e ->
                stored <- e
                true
            | _ -> inner.TryGetStored(id, &stored)

        member _.Checkpoint processor =
            match checkpoints.TryGetValue processor with
            | true, c -> c
            | _ -> inner.Checkpoint processor

        member _.StreamState stream =
            match versions.TryGetValue stream with
            // An append leaves its streams live, whatever their tombstones.
            | true, v -> struct (v, true)
            | _ -> inner.StreamState stream

        member _.Matching query =
            let stored = inner.Matching query
            if accepted.Count = 0 then stored
            else Array.append stored (accepted |> Seq.filter (EventQuery.matches query) |> Array.ofSeq)

        member _.AnyMatchAfter(query, after) =
            inner.AnyMatchAfter(query, after)
            || accepted.Exists(fun e -> e.Position > after && EventQuery.matches query e)
