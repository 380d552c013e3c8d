// Upcasters turn stored events of an old schema into the current one on every read path. One stored event may
// become several (a split) or change its type (a rename); the parts keep the stored event's address: its id,
// position, stream version, tenant and timestamp. Checkpoints and cursors therefore stay on stored positions.
namespace Hybrid

open System

/// Turns an event of EventType at SchemaVersion into the next schema: one event (the usual case), several (a split),
/// or none (an obsolete event dropped from reads). Parts may carry another type only if Produces names it.
type Upcaster =
    { EventType: string
      SchemaVersion: int
      /// The types the parts may have besides EventType: a query or condition by one of them also finds stored
      /// events of EventType (and of the types upcast into EventType).
      Produces: string list
      Upcast: RecordedEvent -> RecordedEvent list }

    /// A one-to-one upcaster that keeps the type.
    static member Of(eventType: string, schemaVersion: int, convert: Func<RecordedEvent, RecordedEvent>) =
        { EventType = eventType; SchemaVersion = schemaVersion; Produces = []; Upcast = fun e -> [ convert.Invoke e ] }

    /// A one-to-one upcaster that renames the type (and may change the body).
    static member Rename(eventType: string, schemaVersion: int, newType: string, convert: Func<RecordedEvent, RecordedEvent>) =
        { EventType = eventType
          SchemaVersion = schemaVersion
          Produces = [ newType ]
          Upcast = fun e -> [ { convert.Invoke e with Type = newType } ] }

    /// An upcaster splitting one event into several (or none), of its own type or of the produced types.
    static member Split(eventType: string, schemaVersion: int, produces: string[], split: Func<RecordedEvent, RecordedEvent[]>) =
        { EventType = eventType
          SchemaVersion = schemaVersion
          Produces = List.ofArray produces
          Upcast = fun e -> List.ofArray (split.Invoke e) }

/// An upcaster threw or broke its contract: the read fails rather than skipping the event.
type UpcastFailedException(tenant: TenantId, eventId: Guid, eventType: string, schemaVersion: int, position: Position, reason: string, inner: exn) =
    inherit Exception($"Tenant '{tenant}': upcasting event {eventId} ({eventType} v{schemaVersion}) at position {position} failed: {reason}", inner)

    /// The tenant of the event.
    member _.Tenant = tenant
    /// The stored event's id.
    member _.EventId = eventId
    /// The type of the event the failing upcaster was given.
    member _.EventType = eventType
    /// The schema version of the event the failing upcaster was given.
    member _.SchemaVersion = schemaVersion
    /// The stored event's position.
    member _.Position = position

/// Chaining upcasters and widening queries: the pure rules every read path applies.
module Upcasting =

    let private key (e: RecordedEvent) = struct (e.Type, e.SchemaVersion)

    let private fail (stored: RecordedEvent) (at: RecordedEvent) (reason: string) (inner: exn) =
        raise (UpcastFailedException(stored.Tenant, stored.Id, at.Type, at.SchemaVersion, stored.Position, reason, inner))

    /// A part at its stored event's address, with a schema version above the one it was upcast from.
    let private addressed (stored: RecordedEvent) (from: RecordedEvent) (part: RecordedEvent) =
        if obj.ReferenceEquals(part, null) then fail stored from "the upcaster returned a null event." null
        if String.IsNullOrEmpty part.Type then fail stored from "the upcaster returned an event without a type." null
        { part with
            Id = stored.Id
            Tenant = stored.Tenant
            Position = stored.Position
            Stream = stored.Stream
            StreamVersion = stored.StreamVersion
            Timestamp = stored.Timestamp
            Tags = (if isNull part.Tags then stored.Tags else part.Tags)
            Metadata = (if obj.ReferenceEquals(part.Metadata, null) then stored.Metadata else part.Metadata)
            SchemaVersion = max part.SchemaVersion (from.SchemaVersion + 1) }

    /// Builds the function upcasting a stored event into its current parts: every upcaster that matches applies,
    /// in chain order, until none matches. The first upcaster registered for a (type, schema version) wins; each part
    /// gets a schema version above its input's, so a chain always ends. A throwing upcaster, or one returning a type
    /// it does not declare, raises an UpcastFailedException naming the event.
    let chainMany (upcasters: Upcaster seq) : RecordedEvent -> RecordedEvent list =
        let table = Collections.Generic.Dictionary<struct (string * int), Upcaster>()
        for u in upcasters do
            table.TryAdd(struct (u.EventType, u.SchemaVersion), u) |> ignore
        if table.Count = 0 then List.singleton
        else
            fun stored ->
                let rec apply (e: RecordedEvent) : RecordedEvent list =
                    match table.TryGetValue(key e) with
                    | true, u ->
                        let parts =
                            try u.Upcast e
                            with ex -> fail stored e ex.Message ex
                        if obj.ReferenceEquals(parts, null) then fail stored e "the upcaster returned null instead of a list." null
                        parts
                        |> List.collect (fun part ->
                            let next = addressed stored e part
                            if next.Type <> e.Type && not (List.contains next.Type u.Produces) then
                                fail stored e $"the upcaster returned type '{next.Type}', which it does not declare in Produces." null
                            apply next)
                    | _ -> [ e ]
                apply stored

    /// The one-to-one form of the chain: throws when an upcaster splits or drops the event.
    let chain (upcasters: Upcaster seq) : RecordedEvent -> RecordedEvent =
        let many = chainMany upcasters
        fun e ->
            match many e with
            | [ single ] -> single
            | parts -> raise (UpcastFailedException(e.Tenant, e.Id, e.Type, e.SchemaVersion, e.Position, $"the chain gave {parts.Length} events where one was expected.", null))

    /// Checks a set of upcasters: no two for the same (type, schema version), types named.
    let validate (upcasters: Upcaster seq) =
        let list = List.ofSeq upcasters
        match list |> List.tryFind (fun u -> String.IsNullOrWhiteSpace u.EventType) with
        | Some _ -> Error "An upcaster has no event type."
        | None ->
            list
            |> List.countBy (fun u -> u.EventType, u.SchemaVersion)
            |> List.tryFind (fun (_, n) -> n > 1)
            |> function
                | Some((t, v), _) -> Error $"Two upcasters are registered for event type '{t}' at schema version {v}."
                | None -> Ok()

    /// The stored types whose events may be upcast into the given type, the type itself included.
    let origins (upcasters: Upcaster seq) : string -> Set<string> =
        let edges = upcasters |> Seq.collect (fun u -> u.Produces |> Seq.map (fun p -> p, u.EventType)) |> Seq.toList
        fun target ->
            let rec grow (found: Set<string>) (frontier: string list) =
                match frontier with
                | [] -> found
                | t :: rest ->
                    let sources = edges |> List.choose (fun (p, s) -> if p = t && not (found.Contains s) then Some s else None)
                    grow (Set.union found (Set.ofList sources)) (sources @ rest)
            grow (Set.singleton target) [ target ]

    /// The query to send to a store so that it also finds stored events upcast into the asked types. Tags are matched
    /// on the stored event. The result is a superset: filter the upcast parts with `upcastPage`.
    let widen (upcasters: Upcaster seq) : EventQuery -> EventQuery =
        let originsOf = origins upcasters
        fun query ->
            let widenItem (item: QueryItem) =
                // Bad items (null, null types) are left for the store's validation to name.
                if obj.ReferenceEquals(item, null) || isNull item.Types || item.Types.Length = 0 then item
                else { item with Types = item.Types |> Seq.collect originsOf |> Seq.distinct |> Array.ofSeq }
            if obj.ReferenceEquals(query, null) || isNull query.Items then query
            else { query with Items = Array.map widenItem query.Items }

    /// The parts of stored events (from a read of the widened query, in its direction) that the asked query selects:
    /// each stored event is upcast, its parts kept in order (reversed in a backward read) and filtered by type and
    /// tags. A stored event's parts are never separated.
    let upcastPage (toParts: RecordedEvent -> RecordedEvent list) (query: EventQuery) (stored: RecordedEvent[]) =
        let backward = query.Direction = Direction.Backward
        [| for e in stored do
               let parts = toParts e |> List.filter (fun p -> EventQuery.matchesTypeAndTags query p.Type p.Tags)
               yield! (if backward then List.rev parts else parts) |]

    /// What a read of the query returns, given the stored events matching its widened query in position order (all of
    /// them): in the query's direction, each stored event's selected parts together, at most Limit stored events with a
    /// selected part (a split event counts once, as in a limited read). What a predicate condition over the query sees.
    let selectParts (toParts: RecordedEvent -> RecordedEvent list) (query: EventQuery) (stored: RecordedEvent[]) =
        let ordered = if query.Direction = Direction.Backward then Array.rev stored else stored
        let result = ResizeArray<RecordedEvent>()
        let mutable counted = 0
        let mutable i = 0
        while i < ordered.Length && (query.Limit <= 0 || counted < query.Limit) do
            let parts = upcastPage toParts query [| ordered.[i] |]
            if parts.Length > 0 then
                result.AddRange parts
                counted <- counted + 1
            i <- i + 1
        result.ToArray()

    /// The condition to send to a store so that conditions see what reads see: a predicate always checks the upcast
    /// parts; "nothing matching since" over a query the upcasters widen becomes a predicate over the upcast parts
    /// (exact, read inside the store's lock), and over other queries is kept as it is (so a store's fast path stays;
    /// it is exact for queries by current type names, and errs on the side of a conflict for names upcast away).
    let widenCondition (upcasters: Upcaster seq) (toParts: RecordedEvent -> RecordedEvent list) (condition: AppendCondition) =
        let wide = widen upcasters
        let parts (query: EventQuery) (events: RecordedEvent[]) =
            upcastPage toParts { query with Direction = Direction.Forward } events
        let rec widenAt (depth: int) (condition: AppendCondition) =
            match condition with
            // Bad conditions (null, null parts) go to the store as they are, whose validation names them.
            | c when obj.ReferenceEquals(c, null) -> c
            | FailIfEventsMatch(query, after) when not (obj.ReferenceEquals(query, null)) && wide query <> query ->
                let asked = { query with After = max query.After after }
                AppendCondition.Predicate({ wide asked with Direction = Direction.Forward; Limit = 0 }, (fun events -> Array.isEmpty (parts asked events)),
                          $"no event matching the query (upcast) after position {after}")
            | AppendCondition.Predicate(query, check, description) when not (obj.ReferenceEquals(check, null) || obj.ReferenceEquals(query, null)) ->
                // The store reads every match forward; the direction and limit apply to the upcast parts, as in a read.
                AppendCondition.Predicate({ wide query with Direction = Direction.Forward; Limit = 0 },
                                          (fun events -> check (selectParts toParts query events)), description)
            | All conditions when obj.ReferenceEquals(conditions, null) -> condition
            // Nested deeper than validation allows: left as it is for the store to refuse (walking on could overflow the stack).
            | All _ when depth >= Limits.ConditionDepth -> condition
            | All conditions -> All(conditions |> List.map (widenAt (depth + 1)))
            | other -> other
        widenAt 0 condition
