// The facts under which a store may write a group of appends at once, without reading its state and deciding first.
// A fast path of Append.decideGroup, never a second rule: when the facts hold, decideGroup would write every member as
// a plain append; when they do not, the store decides the group as usual and answers with decideGroup's outcomes.
namespace Hybrid

open System
open System.Collections.Generic

/// What a stream must be for a guarded group to be written (AppendCondition.requirement of an expected version).
[<Struct>]
type StreamRequirement =
    { Stream: StreamId
      /// Its last version must be this one (ValueNone: any).
      Version: StreamVersion voption
      /// It must have live events (true), or must not (false); ValueNone: either.
      Live: bool voption }

/// Facts about a tenant's state, checked inside its write lock, under which every member of a group is written as a
/// plain append: positions after the head in group order, versions after each stream's last version.
type AppendGuard =
    { /// What each stream the conditions name must be.
      Streams: StreamRequirement[]
      /// No event matching the query has a position above the given one.
      NothingMatching: struct (EventQuery * Position)[] }

/// The guard of a group and its meaning.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module AppendGuard =

    /// The facts a condition needs, added to the lists; false when it has a Predicate (its check needs the events).
    let rec private collect (streams: ResizeArray<StreamRequirement>) (queries: ResizeArray<struct (EventQuery * Position)>) condition =
        match condition with
        | NoCondition -> true
        | StreamVersion(stream, expected) ->
            let struct (version, live) = AppendCondition.requirement expected
            if version.IsSome || live.IsSome then streams.Add { Stream = stream; Version = version; Live = live }
            true
        | FailIfEventsMatch(query, after) ->
            queries.Add(struct (query, after))
            true
        | Predicate _ -> false
        | All conditions -> conditions |> List.forall (collect streams queries)

    /// <summary>
    /// The guard of a group of validated appends, or ValueNone when the group must be decided the usual way: a member
    /// has a checkpoint, no events or a Predicate condition; an event id repeats within the group; or a member's
    /// condition names a stream an earlier member writes, or a query an earlier member's events could match (within
    /// the group those facts change, which AppendOverlay accounts for and a check of the stored state cannot).
    /// Provided none of the group's event ids is stored already (the store must check that too, and decide the group
    /// the usual way when one is), the guard holding means <c>Append.decideGroup</c> writes every member.
    /// </summary>
    let ofGroup (requests: IReadOnlyList<AppendRequest>) : AppendGuard voption =
        let streams = ResizeArray<StreamRequirement>()
        let queries = ResizeArray<struct (EventQuery * Position)>()
        let written = HashSet<StreamId>(StringComparer.Ordinal)
        let ids = HashSet<Guid>()
        let earlier = ResizeArray<EventData>()
        let memberStreams = ResizeArray<StreamRequirement>()
        let memberQueries = ResizeArray<struct (EventQuery * Position)>()
        let independent () =
            memberStreams.TrueForAll(fun r -> not (written.Contains r.Stream))
            && memberQueries.TrueForAll(fun (struct (query, _)) ->
                not (earlier.Exists(fun e -> EventQuery.matchesTypeAndTags query e.Type e.Tags)))
        let mutable guardable = true
        let mutable i = 0
        while guardable && i < requests.Count do
            let request = requests.[i]
            memberStreams.Clear()
            memberQueries.Clear()
            guardable <-
                request.Checkpoint.IsNone
                && request.Events.Length > 0
                && collect memberStreams memberQueries request.Condition
                && independent ()
            streams.AddRange memberStreams
            // Members of one aggregate share their migration marker check: it is asked once.
            for q in memberQueries do
                if not (queries.Contains q) then queries.Add q
            for e in request.Events do
                if not (ids.Add e.Id) then guardable <- false
                earlier.Add e.Data
                if not (isNull e.Data.Stream) then written.Add e.Data.Stream |> ignore
            i <- i + 1
        if guardable then ValueSome { Streams = streams.ToArray(); NothingMatching = queries.ToArray() } else ValueNone

    /// True when the state meets the guard: the reference a store's rendering of the check (in SQL, say) must agree with.
    let holds (state: IConditionReader) (guard: AppendGuard) =
        guard.Streams
        |> Array.forall (fun r ->
            let struct (version, live) = state.StreamState r.Stream
            AppendCondition.meets (struct (r.Version, r.Live)) (version, live))
        && guard.NothingMatching |> Array.forall (fun (struct (query, after)) -> not (state.AnyMatchAfter(query, after)))
