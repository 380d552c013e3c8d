// Read models: pure reducers over chosen event types, stored in named pieces so that a cache can rewrite only
// what an event changed. Layouts (monolithic, segmented, partitioned) and scopes (tags, partition key, custom query).
namespace Hybrid

open System

/// How a read model's state is stored.
type ReadModelLayout =
    /// One piece holding the whole state: for small states.
    | Monolithic
    /// Entities keyed by an entity key, spread over a fixed number of segments by a stable hash of the key,
    /// so that one event rewrites one segment, not the whole state.
    | Segmented of segments: int
    /// Entities grouped into partitions computed from each entity's state, with a manifest of the partitions
    /// (entity counts) and an index (spread over segments) of the partition each entity lives in. An entity
    /// that moves partition is removed from the old one.
    | Partitioned of indexSegments: int

/// Which of a tenant's events an instance folds, and so what the scope argument of a read means.
type ReadModelScope =
    /// One instance per tenant over all the model's events; a read's scope selects within its state
    /// (an entity key of a segmented model, a partition of a partitioned one).
    | WholeTenant
    /// One instance per scope value: the model's events carrying all the tags the scope value maps to.
    | ByTags of tagsOf: (string -> Tag list)
    /// One instance per scope value: the model's events whose partition key (computed from the event) equals it.
    | ByPartitionKey of partitionKeyOf: (RecordedEvent -> string option)
    /// One instance per scope value: the events a custom query selects (its positions, direction and limit are
    /// ignored; the model's event types are not added).
    | CustomQuery of queryOf: (string -> EventQuery)

/// A read model definition with its functions erased to obj, so that one engine runs every model.
/// Build one with the ReadModel module; its pieces are immutable values.
type ReadModelDefinition =
    { Name: string
      /// Bumping it rebuilds the model from the log and deletes the old version's cache entries.
      Version: int
      EventTypes: string list
      Scope: ReadModelScope
      Layout: ReadModelLayout
      /// The pieces of an instance that has folded nothing.
      Initial: Map<string, obj>
      /// Folds one event into the pieces; returns the new pieces and the names of the pieces it changed
      /// (a changed name absent from the new pieces was removed).
      Step: Map<string, obj> -> RecordedEvent -> struct (Map<string, obj> * string list)
      /// Folds a run of events into the pieces as Step over each in turn does; returns the new pieces and the names of
      /// the pieces changed, each once. A rebuild folds a page at a time through it, so a layout can keep its state
      /// unboxed through the run (ReadModel.stepEach is the plain loop over Step).
      StepRun: Map<string, obj> -> ArraySegment<RecordedEvent> -> struct (Map<string, obj> * string list)
      /// The .NET type of a piece, by name: what a cache serializes it as.
      PieceType: string -> Type
      /// What a read returns: the selector applied to the pieces (see ReadModel.view).
      View: string -> Map<string, obj> -> obj
      /// Who may have the model's state answered outside its queries (read-your-writes `views=` of a command that does
      /// not name it for its payload): nobody unless set with ReadModel.readableBy. Queries keep their own authorization.
      ReadableBy: Caller -> bool }

/// Stable routing of keys to segments: the same on every machine and process (no randomized string hashing).
module ReadModelRouting =

    /// FNV-1a (32 bits) over the key's UTF-16 code units.
    let stableHash (key: string) =
        let mutable h = 2166136261u
        for c in key do
            h <- (h ^^^ uint32 (byte c)) * 16777619u
            h <- (h ^^^ uint32 (byte (int c >>> 8))) * 16777619u
        h

    /// The segment (0 to segments - 1) of a key.
    let segmentOf (segments: int) (key: string) = int (stableHash key % uint32 segments)

    /// The piece name of a segment.
    let segmentName (segment: int) = $"segment/{segment:D5}"

    /// The piece name of an entity index segment of a partitioned model.
    let indexName (segment: int) = $"index/{segment:D5}"

    /// The piece name of a partition.
    let partitionName (partition: string) = "partition/" + partition

    /// The piece name of a partitioned model's manifest.
    [<Literal>]
    let ManifestName = "manifest"

    /// The piece name of a monolithic model's state.
    [<Literal>]
    let StateName = "state"

/// Building, checking and folding read models.
module ReadModel =

    /// The selector that reads a partitioned model's manifest (partition → entity count).
    [<Literal>]
    let ManifestSelector = "$manifest"

    let private noChange pieces = struct (pieces, [])

    /// A run step that applies the step to each event in turn (what StepRun must agree with).
    let stepEach (step: Map<string, obj> -> RecordedEvent -> struct (Map<string, obj> * string list)) =
        fun (pieces: Map<string, obj>) (events: ArraySegment<RecordedEvent>) ->
            let mutable pieces = pieces
            let mutable changed = []
            for e in events do
                let struct (next, names) = step pieces e
                pieces <- next
                for n in names do
                    if not (List.contains n changed) then changed <- n :: changed
            struct (pieces, changed)

    let private mapOf<'V> (pieces: Map<string, obj>) name =
        match pieces.TryFind name with
        | Some m -> m :?> Map<string, 'V>
        | None -> Map.empty

    let private setOrRemove name (m: Map<string, 'V>) (pieces: Map<string, obj>) =
        if m.IsEmpty then pieces.Remove name else pieces.Add(name, box m)

    /// A one-piece model from a step that returns the next state, or ValueNone for an event it skips.
    let private onePiece (name: string) (version: int) (eventTypes: string list) (initial: 'State)
                         (tryEvolve: 'State -> RecordedEvent -> 'State voption) : ReadModelDefinition =
        let stateName = ReadModelRouting.StateName
        let changed = [ stateName ] // one list for every step: a rebuild steps once per event
        { Name = name
          Version = version
          EventTypes = eventTypes
          Scope = WholeTenant
          Layout = Monolithic
          Initial = Map.ofList [ stateName, box initial ]
          Step =
            fun pieces e ->
                match tryEvolve (pieces.[stateName] :?> 'State) e with
                | ValueNone -> noChange pieces
                | ValueSome next -> struct (pieces.Add(stateName, box next), changed)
          StepRun =
            fun pieces events ->
                // The state stays unboxed through the run: one lookup and one write of the piece, not one per event.
                let mutable state = pieces.[stateName] :?> 'State
                let mutable stepped = false
                for e in events do
                    match tryEvolve state e with
                    | ValueNone -> ()
                    | ValueSome next ->
                        state <- next
                        stepped <- true
                if stepped then struct (pieces.Add(stateName, box state), changed) else noChange pieces
          PieceType = fun _ -> typeof<'State>
          View = fun _ pieces -> pieces.[stateName]
          ReadableBy = fun _ -> false }

    /// A model whose whole state is one piece, folded from decoded events (events decoding to None are skipped).
    let monolithic (name: string) (version: int) (eventTypes: string list) (decode: RecordedEvent -> 'Event option)
                   (initial: 'State) (evolve: 'State -> 'Event -> 'State) : ReadModelDefinition =
        onePiece name version eventTypes initial (fun state e ->
            match decode e with
            | None -> ValueNone
            | Some ev -> ValueSome(evolve state ev))

    /// A monolithic model folded straight from recorded events.
    let ofRecorded (name: string) (version: int) (eventTypes: string list) (initial: 'State) (evolve: 'State -> RecordedEvent -> 'State) =
        onePiece name version eventTypes initial (fun state e -> ValueSome(evolve state e))

    /// A segmented model of entities keyed by keyOf; evolve returns None to remove an entity.
    let segmentedWithRemoval (name: string) (version: int) (eventTypes: string list) (segments: int)
                             (decode: RecordedEvent -> 'Event option) (keyOf: 'Event -> string)
                             (evolve: 'Entity option -> 'Event -> 'Entity option) : ReadModelDefinition =
        let segmentNameOf key = ReadModelRouting.segmentName (ReadModelRouting.segmentOf segments key)
        let evolveIn (segment: Map<string, 'Entity>) key ev =
            match evolve (segment.TryFind key) ev with
            | Some entity -> segment.Add(key, entity)
            | None -> segment.Remove key
        let step (pieces: Map<string, obj>) e =
            match decode e with
            | None -> noChange pieces
            | Some ev ->
                let key = keyOf ev
                let pieceName = segmentNameOf key
                struct (setOrRemove pieceName (evolveIn (mapOf<'Entity> pieces pieceName) key ev) pieces, [ pieceName ])
        let stepRun (pieces: Map<string, obj>) (events: ArraySegment<RecordedEvent>) =
            // Each segment the run touches is read from the pieces and written back once, not once an event.
            let touched = Collections.Generic.Dictionary<string, Map<string, 'Entity>>(StringComparer.Ordinal)
            for e in events do
                match decode e with
                | None -> ()
                | Some ev ->
                    let key = keyOf ev
                    let pieceName = segmentNameOf key
                    let segment =
                        match touched.TryGetValue pieceName with
                        | true, open' -> open'
                        | _ -> mapOf<'Entity> pieces pieceName
                    touched[pieceName] <- evolveIn segment key ev
            let mutable pieces = pieces
            let mutable changed = []
            for kv in touched do
                pieces <- setOrRemove kv.Key kv.Value pieces
                changed <- kv.Key :: changed
            struct (pieces, changed)
        let view (selector: string) (pieces: Map<string, obj>) =
            if String.IsNullOrEmpty selector then
                pieces |> Seq.collect (fun kv -> kv.Value :?> Map<string, 'Entity> |> Map.toSeq) |> Map.ofSeq |> box
            else
                let segment = mapOf<'Entity> pieces (segmentNameOf selector)
                (match segment.TryFind selector with
                 | Some entity -> Map.ofList [ selector, entity ]
                 | None -> Map.empty)
                |> box
        { Name = name
          Version = version
          EventTypes = eventTypes
          Scope = WholeTenant
          Layout = Segmented segments
          Initial = Map.empty
          Step = step
          StepRun = stepRun
          PieceType = fun _ -> typeof<Map<string, 'Entity>>
          View = view
          ReadableBy = fun _ -> false }

    /// A segmented model of entities keyed by keyOf, each starting from initial.
    let segmented name version eventTypes segments (decode: RecordedEvent -> 'Event option) (keyOf: 'Event -> string)
                  (initial: 'Entity) (evolve: 'Entity -> 'Event -> 'Entity) =
        segmentedWithRemoval name version eventTypes segments decode keyOf (fun s e -> Some(evolve (defaultArg s initial) e))

    /// A partitioned model: entities keyed by entityIdOf, grouped by partitionOf of their state; evolve returns None
    /// to remove an entity. The entity index is spread over indexSegments segments.
    let partitioned (name: string) (version: int) (eventTypes: string list) (indexSegments: int)
                    (decode: RecordedEvent -> 'Event option) (entityIdOf: 'Event -> string)
                    (evolve: 'Entity option -> 'Event -> 'Entity option) (partitionOf: 'Entity -> string) : ReadModelDefinition =
        let manifestName = ReadModelRouting.ManifestName
        let indexNameOf id = ReadModelRouting.indexName (ReadModelRouting.segmentOf indexSegments id)
        let count delta partition (manifest: Map<string, int>) =
            let n = (manifest.TryFind partition |> Option.defaultValue 0) + delta
            if n = 0 then manifest.Remove partition else manifest.Add(partition, n)
        let step (pieces: Map<string, obj>) e =
            match decode e with
            | None -> noChange pieces
            | Some ev ->
                let id = entityIdOf ev
                let indexName = indexNameOf id
                let index = mapOf<string> pieces indexName
                let oldPartition = index.TryFind id
                let oldEntity =
                    oldPartition |> Option.bind (fun p -> (mapOf<'Entity> pieces (ReadModelRouting.partitionName p)).TryFind id)
                let newEntity = evolve oldEntity ev
                let newPartition = newEntity |> Option.map partitionOf
                match oldPartition, newPartition, newEntity with
                | Some p, Some q, Some entity when p = q ->
                    let name = ReadModelRouting.partitionName p
                    struct (pieces.Add(name, box ((mapOf<'Entity> pieces name).Add(id, entity))), [ name ])
                | None, None, _ -> noChange pieces
                | _ ->
                    let mutable pieces = pieces
                    let mutable changed = [ indexName; manifestName ]
                    let mutable manifest = mapOf<int> pieces manifestName
                    match oldPartition with
                    | Some p ->
                        let name = ReadModelRouting.partitionName p
                        pieces <- setOrRemove name ((mapOf<'Entity> pieces name).Remove id) pieces
                        manifest <- count -1 p manifest
                        changed <- name :: changed
                    | None -> ()
                    match newPartition, newEntity with
                    | Some q, Some entity ->
                        let name = ReadModelRouting.partitionName q
                        pieces <- pieces.Add(name, box ((mapOf<'Entity> pieces name).Add(id, entity)))
                        manifest <- count 1 q manifest
                        changed <- name :: changed
                    | _ -> ()
                    let index = match newPartition with Some q -> index.Add(id, q) | None -> index.Remove id
                    pieces <- setOrRemove indexName index pieces
                    pieces <- setOrRemove manifestName manifest pieces
                    struct (pieces, changed)
        let pieceType (piece: string) =
            if piece = manifestName then typeof<Map<string, int>>
            elif piece.StartsWith "index/" then typeof<Map<string, string>>
            else typeof<Map<string, 'Entity>>
        let view (selector: string) (pieces: Map<string, obj>) =
            if selector = ManifestSelector then box (mapOf<int> pieces manifestName)
            elif String.IsNullOrEmpty selector then
                pieces
                |> Seq.filter (fun kv -> kv.Key.StartsWith "partition/")
                |> Seq.collect (fun kv -> kv.Value :?> Map<string, 'Entity> |> Map.toSeq)
                |> Map.ofSeq
                |> box
            else box (mapOf<'Entity> pieces (ReadModelRouting.partitionName selector))
        { Name = name
          Version = version
          EventTypes = eventTypes
          Scope = WholeTenant
          Layout = Partitioned indexSegments
          Initial = Map.empty
          Step = step
          StepRun = stepEach step
          PieceType = pieceType
          View = view
          ReadableBy = fun _ -> false }

    /// The same model with one instance per scope value (monolithic models only; see validate).
    let scoped (scope: ReadModelScope) (model: ReadModelDefinition) = { model with Scope = scope }

    /// The same model at another version.
    let withVersion (version: int) (model: ReadModelDefinition) = { model with Version = version }

    /// The model with the callers who may have its state answered outside its queries (read-your-writes `views=`);
    /// deny by default: a model without it answers only the commands that name it for their payload.
    let readableBy (admits: Caller -> bool) (model: ReadModelDefinition) = { model with ReadableBy = admits }

    /// Checks a definition; an error naming the model and what was wrong.
    let validate (model: ReadModelDefinition) : Result<unit, string> =
        let wholeTenant = match model.Scope with WholeTenant -> true | _ -> false
        let customQuery = match model.Scope with CustomQuery _ -> true | _ -> false
        if String.IsNullOrWhiteSpace model.Name then Error "A read model has an empty name."
        elif model.Name.Length > 200 || String.exists Char.IsControl model.Name then
            Error $"Read model '{model.Name}': the name must be at most 200 characters without control characters."
        elif model.Version < 1 then Error $"Read model '{model.Name}': the version must be 1 or more, not {model.Version}."
        elif not wholeTenant && not customQuery && model.EventTypes.IsEmpty then
            Error $"Read model '{model.Name}': a scoped model needs event types."
        elif model.EventTypes.IsEmpty && wholeTenant then
            Error $"Read model '{model.Name}': it names no event types."
        elif List.exists String.IsNullOrWhiteSpace model.EventTypes then
            Error $"Read model '{model.Name}': an event type is empty."
        else
            match model.Layout with
            | Segmented n | Partitioned n when n < 1 || n > 65536 ->
                Error $"Read model '{model.Name}': the segment count must be between 1 and 65536, not {n}."
            | Segmented _ | Partitioned _ when not wholeTenant ->
                Error $"Read model '{model.Name}': scoped projections need the monolithic layout."
            | _ -> Ok()

    /// The instance a read's scope names, and the selector applied to its pieces: for a whole-tenant model the instance
    /// is the tenant's ("") and the scope selects within it; for a scoped model the scope names the instance.
    let route (model: ReadModelDefinition) (scope: string) =
        let scope = if isNull scope then "" else scope
        match model.Scope with
        | WholeTenant -> struct ("", scope)
        | _ -> struct (scope, "")

    /// The log query an instance folds (positions from the start; the engine narrows them).
    let query (model: ReadModelDefinition) (instanceScope: string) : EventQuery =
        let types = Array.ofList model.EventTypes
        match model.Scope with
        | WholeTenant
        | ByPartitionKey _ -> EventQuery.OfTypes types
        | ByTags tagsOf -> EventQuery.Of { Types = types; Tags = Array.ofList (tagsOf instanceScope) }
        | CustomQuery queryOf ->
            { (queryOf instanceScope) with After = Names.Start; Before = Int64.MaxValue; Direction = Direction.Forward; Limit = 0 }

    /// True when an event the query returned belongs to the instance (a partition-key scope filters in memory).
    let belongs (model: ReadModelDefinition) (instanceScope: string) (e: RecordedEvent) =
        match model.Scope with
        | ByPartitionKey keyOf -> keyOf e = Some instanceScope
        | _ -> true

    /// Folds events into pieces; returns the pieces and the names of every piece changed on the way.
    let foldPieces (model: ReadModelDefinition) (pieces: Map<string, obj>) (events: RecordedEvent seq) =
        let mutable pieces = pieces
        let changed = Collections.Generic.HashSet<string>(StringComparer.Ordinal)
        for e in events do
            let struct (next, names) = model.Step pieces e
            pieces <- next
            for n in names do
                changed.Add n |> ignore
        struct (pieces, changed)

    /// The reference answer: the view of a plain fold of the tenant's log (position order) for a read's scope.
    let plainRead (model: ReadModelDefinition) (scope: string) (log: RecordedEvent seq) =
        let struct (instance, selector) = route model scope
        let q = query model instance
        let events = log |> Seq.filter (fun e -> EventQuery.matches q e && belongs model instance e)
        let struct (pieces, _) = foldPieces model model.Initial events
        model.View selector pieces
