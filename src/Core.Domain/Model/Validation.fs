// Input checks every store and surface runs before anything is queued or written: each error names the field and
// what was wrong. The limits and character classes are those of Limits.fs and TextRules.fs.
namespace Hybrid

open System

/// Bad input, named by field (and tenant/stream where known). Nothing was written.
type InvalidInputException(field: string, message: string) =
    inherit ArgumentException(message, field)
    /// The offending field, e.g. "events[2].Type".
    member _.Field = field
    /// The message alone: it names the field already, so ArgumentException's " (Parameter '...')" is left off.
    override _.Message = message

/// A store refused an append's data for a reason of its own that validation could not foresee (a server constraint
/// or limit). That append alone failed and nothing of it was written; appends committed with it are unaffected.
type AppendRefusedException(tenant: TenantId, field: string, reason: string, code: string) =
    inherit InvalidInputException(field, $"Tenant '{tenant}': {field}: the store refused the data: {reason}")
    /// The tenant of the refused append.
    member _.Tenant = tenant
    /// The store's own code for the refusal (for PostgreSQL, the SQLSTATE).
    member _.Code = code

/// An append used an event type only the store writes (ReservedEventTypes): the tenant, the stream (null for none) and
/// the type are named. Nothing was written.
type ReservedEventTypeException(tenant: TenantId, field: string, stream: StreamId, eventType: string, message: string) =
    inherit InvalidInputException(field, message)
    /// The tenant of the refused append.
    member _.Tenant = tenant
    /// The stream of the refused event, or null when it had none.
    member _.Stream = stream
    /// The reserved type.
    member _.EventType = eventType

/// Pure validation of identifiers, events, queries and conditions. Each check returns an error naming the field, or Ok.
module Validation =

    type Error = { Field: string; Message: string }

    let private fail field message = Result.Error { Field = field; Message = message }

    /// Ok, or the error of a problem (null means none) named by the field.
    let private ofProblem (field: string) (problem: string) = if isNull problem then Ok() else fail field problem

    /// A string's problem against a length and a character class, or null; `what` names it ("The stream id").
    let private textProblem (what: string) (maxLength: int) (cls: CharClass) (value: string) =
        if String.IsNullOrEmpty value then $"{what} is empty."
        elif value.Length > maxLength then $"{what} is longer than {maxLength} characters."
        else
            let bad = TextRules.firstOutside cls value
            if bad >= 0 then $"{what} holds {TextRules.describeAt value bad}." else null

    /// A tenant id: 1 to 64 ASCII letters, digits, '-', '_', '.', starting with a letter or digit.
    let tenant (tenant: TenantId) =
        if String.IsNullOrEmpty tenant then fail "tenant" "The tenant id is empty."
        elif tenant.Length > Limits.TenantLength then
            fail "tenant" $"The tenant id '{tenant.[..15]}…' is longer than {Limits.TenantLength} characters."
        elif not (Char.IsAsciiLetterOrDigit tenant.[0]) || TextRules.firstOutside CharClass.Key tenant >= 0 then
            fail "tenant" $"The tenant id '{tenant}' has an unknown format: use letters, digits, '-', '_' or '.', starting with a letter or digit."
        else Ok()

    /// A name of a command, query, processor, read model or periodic task: 1 to 100 key characters, starting with a
    /// letter or digit. `what` says which ("processor").
    let name (what: string) (field: string) (name: string) =
        match textProblem $"The {what} name" Limits.NameLength CharClass.Key name with
        | null when not (Char.IsAsciiLetterOrDigit name.[0]) -> fail field $"The {what} name '{name}' must start with a letter or digit."
        | problem -> ofProblem field problem

    /// A processor's name (see `name`).
    let processor (field: string) (processor: string) = name "processor" field processor

    /// A subject of personal data (the owner of a crypto-shredding key): 1 to 100 printable characters, no white space.
    let subject (field: string) (subject: string) =
        ofProblem field (textProblem "The subject" Limits.NameLength CharClass.Identifier subject)

    /// A subject an event or an operator names (see `subject`), not starting with '$': those are the shell's own keys.
    let personalSubject (field: string) (subject: string) =
        match subject with
        | s when not (String.IsNullOrEmpty s) && s.[0] = '$' -> fail field $"The subject '{s}' starts with '$', which is reserved for the shell's own keys."
        | s -> ofProblem field (textProblem "The subject" Limits.NameLength CharClass.Identifier s)

    let private streamProblem (stream: StreamId) =
        if String.IsNullOrEmpty stream then "The stream id is empty."
        elif stream = Names.All then
            "'$all' is not a stream but the tenant's whole log: read it with Read and an EventQuery (EventQuery.All for every event); append to and delete streams of your own."
        elif stream.[0] = '$' then $"The stream id '{stream}' starts with '$', which is reserved."
        else textProblem "The stream id" Limits.StreamLength CharClass.Identifier stream

    /// A stream id: 1 to 200 identifier characters, not starting with '$'.
    let stream (field: string) (stream: StreamId) = ofProblem field (streamProblem stream)

    let private eventTypeProblem (eventType: string) =
        textProblem "The event type" Limits.EventTypeLength CharClass.Identifier eventType

    /// An event type: 1 to 200 identifier characters.
    let eventType (field: string) (eventType: string) = ofProblem field (eventTypeProblem eventType)

    let private tagProblem (tag: Tag) =
        if String.IsNullOrEmpty tag then "The tag is empty."
        elif tag.Length > Limits.TagLength then $"The tag is longer than {Limits.TagLength} characters."
        else
            let colon = tag.IndexOf ':'
            if colon <= 0 || colon = tag.Length - 1 then $"The tag '{tag}' is not of the form 'kind:value'."
            elif colon > Limits.TagKindLength then $"The tag's kind is longer than {Limits.TagKindLength} characters."
            else
                let badKind = TextRules.firstOutsideOf CharClass.Key tag colon
                if badKind >= 0 then
                    $"The tag's kind holds {TextRules.describeAt tag badKind}: use letters, digits, '-', '_' or '.'."
                else
                    let badValue = TextRules.firstOutside CharClass.Text tag
                    if badValue >= 0 then $"The tag holds {TextRules.describeAt tag badValue}." else null

    /// A tag: "kind:value", the kind 1 to 64 key characters, the value at least one text character, 200 in all.
    let tag (field: string) (tag: Tag) = ofProblem field (tagProblem tag)

    /// A JSON text: well-formed, within the size limit, storable by every store (see TextRules.jsonTextProblem).
    /// `what` names it in messages ("The body").
    let jsonText (field: string) (what: string) (maxBytes: int) (json: string) =
        if isNull json then fail field $"{what} is null."
        else
            match TextRules.jsonTextProblem maxBytes json with
            | null -> Ok()
            | problem -> fail field $"{what} {problem}."

    let private metadataFieldProblem (value: string) =
        if String.IsNullOrEmpty value then null
        else textProblem "The metadata value" Limits.MetadataFieldLength CharClass.Text value

    let private traceProblem (limit: int) (value: string) =
        if isNull value then null
        elif value.Length > limit then $"The trace context is longer than {limit} characters."
        elif String.exists Char.IsControl value then "The trace context contains control characters."
        else null

    let private fieldNameProblem (name: string) =
        if String.IsNullOrEmpty name then "A metadata field has an empty name."
        elif name.Length > Limits.MetadataFieldNameLength then
            $"The metadata field name '{name.[..15]}…' is longer than {Limits.MetadataFieldNameLength} characters."
        elif TextRules.firstOutside CharClass.Key name >= 0 then
            $"The metadata field name '{name}' has an unknown format: use letters, digits, '-', '_' or '.'."
        else null

    let private metadataFields (field: unit -> string) (fields: Map<string, string>) =
        if isNull (box fields) || fields.IsEmpty then Ok()
        elif fields.Count > Limits.MetadataFields then fail (field () + ".Fields") $"The metadata has more than {Limits.MetadataFields} fields."
        else
            let mutable result = Ok()
            for KeyValue(name, value) in fields do
                if Result.isOk result then
                    match fieldNameProblem name with
                    | null -> result <- ofProblem $"{field ()}.Fields[{name}]" (metadataFieldProblem value)
                    | problem -> result <- fail (field () + ".Fields") problem
            result

    /// An event's metadata (null means empty): causation, correlation, actor and each user-defined field's value empty
    /// or up to 256 text characters; at most 32 fields, named with key characters; a W3C trace context of sane size.
    /// Field names are built only for an error.
    let private metadataAt (field: unit -> string) (metadata: EventMetadata) =
        if obj.ReferenceEquals(metadata, null) then Ok()
        else
            match metadataFieldProblem metadata.CausationId with
            | null ->
                match metadataFieldProblem metadata.CorrelationId with
                | null ->
                    match metadataFieldProblem metadata.Actor with
                    | null ->
                        match traceProblem Limits.TraceParentLength metadata.TraceParent with
                        | null ->
                            match traceProblem Limits.TraceStateLength metadata.TraceState with
                            | null -> metadataFields field metadata.Fields
                            | problem -> fail (field () + ".TraceState") problem
                        | problem -> fail (field () + ".TraceParent") problem
                    | problem -> fail (field () + ".Actor") problem
                | problem -> fail (field () + ".CorrelationId") problem
            | problem -> fail (field () + ".CausationId") problem

    /// An event's metadata (null means empty); see metadataAt.
    let metadata (field: string) (metadata: EventMetadata) = metadataAt (fun () -> field) metadata

    /// The field name of an event: `prefix[index]`, or `prefix` alone when index is negative. Built only for errors.
    let private eventField (prefix: string) (index: int) =
        if index < 0 then prefix else $"{prefix}[{index}]"

    /// An event's tags, named prefix[index].Tags in errors.
    let private tags (prefix: string) (index: int) (limits: InputLimits) (tags: Tag[]) =
        if isNull tags then fail (eventField prefix index + ".Tags") "The tags are null: use an empty array."
        elif tags.Length > limits.MaxTags then fail (eventField prefix index + ".Tags") $"An event has more than {limits.MaxTags} tags."
        else
            let mutable result = Ok()
            let mutable i = 0
            while Result.isOk result && i < tags.Length do
                match tagProblem tags.[i] with
                | null -> ()
                | problem -> result <- fail $"{eventField prefix index}.Tags[{i}]" problem
                i <- i + 1
            result

    /// One event's data, named prefix[index] (or prefix when index < 0) in errors, which are the only place the
    /// field names are built (no closure per event: this runs for every event appended).
    let private eventDataAt (limits: InputLimits) (prefix: string) (index: int) (data: EventData) =
        let inline field () = eventField prefix index
        if obj.ReferenceEquals(data, null) then fail (field ()) "The event is null."
        else
            match eventTypeProblem data.Type with
            | null when ReservedEventTypes.isReserved data.Type ->
                let stream = if isNull data.Stream then "no stream" else $"stream '{data.Stream}'"
                let why = (ReservedEventTypes.reason data.Type).Value
                fail (field () + ".Type") $"The event type '{data.Type}' ({stream}) is reserved: only the store writes {why}; use a type of your own."
            | null ->
                let bodyProblem =
                    if isNull data.Body then "is null" else TextRules.jsonTextProblem limits.MaxBodyBytes data.Body
                match bodyProblem with
                | null when data.SchemaVersion < 1 -> fail (field () + ".SchemaVersion") "The schema version must be 1 or more."
                | null ->
                    match tags prefix index limits data.Tags with
                    | Ok() when isNull data.Stream -> Ok()
                    | Ok() -> ofProblem (field () + ".Stream") (streamProblem data.Stream)
                    | error -> error
                | problem -> fail (field () + ".Body") $"The body of a '{data.Type}' event {problem}."
            | problem -> fail (field () + ".Type") problem

    /// One event's data.
    let eventData (limits: InputLimits) (field: string) (data: EventData) = eventDataAt limits field -1 data

    /// The index of the first event whose id an earlier event has, or -1: a scan for small appends, for large ones an
    /// open-addressing table of event indexes in a pooled array (no set allocated per append).
    let private firstRepeat (events: ProposedEvent[]) =
        if events.Length <= 16 then
            let mutable repeat = -1
            let mutable i = 1
            while repeat < 0 && i < events.Length do
                let e = events.[i]
                if not (obj.ReferenceEquals(e, null)) then
                    for j in 0 .. i - 1 do
                        let earlier = events.[j]
                        if repeat < 0 && not (obj.ReferenceEquals(earlier, null)) && earlier.Id = e.Id then repeat <- i
                i <- i + 1
            repeat
        else
            // At most half full; a slot holds 1 + the index of the event whose id hashed there, 0 when empty.
            let size = int (Numerics.BitOperations.RoundUpToPowerOf2(uint (events.Length * 2)))
            let slots = Buffers.ArrayPool<int>.Shared.Rent size
            try
                Array.Clear(slots, 0, size)
                let mask = size - 1
                let mutable repeat = -1
                let mutable i = 0
                while repeat < 0 && i < events.Length do
                    let e = events.[i]
                    if not (obj.ReferenceEquals(e, null)) then
                        let id = e.Id
                        let mutable k = id.GetHashCode() &&& mask
                        while slots.[k] <> 0 && repeat < 0 do
                            if events.[slots.[k] - 1].Id = id then repeat <- i
                            k <- (k + 1) &&& mask
                        if repeat < 0 then slots.[k] <- i + 1
                    i <- i + 1
                repeat
            finally
                Buffers.ArrayPool<int>.Shared.Return slots

    /// The characters of the bodies of valid events: a lower bound of their UTF-8 bytes, and a third of an upper one.
    let bodyChars (events: ProposedEvent[]) =
        let mutable chars = 0L
        for e in events do chars <- chars + int64 e.Data.Body.Length
        chars

    /// The UTF-8 bytes of the bodies of valid events, counted exactly only when their characters could exceed the
    /// append's limit (the bodies are valid, so every one encodes).
    let private bodyBytes (events: ProposedEvent[]) =
        let chars = bodyChars events
        if chars * 3L <= int64 Limits.AppendBodyBytes then chars
        else
            let mutable bytes = 0L
            for e in events do bytes <- bytes + int64 (Text.Encoding.UTF8.GetByteCount e.Data.Body)
            bytes

    /// The events of one append: none (an empty append) up to the limit, ids non-empty and distinct.
    let proposed (limits: InputLimits) (events: ProposedEvent[]) =
        if isNull events then fail "events" "The events are null: use an empty array."
        elif events.Length > limits.MaxEventsPerAppend then
            fail "events" $"An append may hold at most {limits.MaxEventsPerAppend} events, not {events.Length}."
        else
            // Errors are reported for the first bad event in order; a repeated id counts at its second occurrence.
            let repeat = firstRepeat events
            // The events of one append often share one metadata instance; it is immutable, so it is checked once.
            let rec check i (checkedMetadata: EventMetadata) =
                if i = events.Length then Ok()
                else
                    let e = events.[i]
                    if obj.ReferenceEquals(e, null) then fail $"events[{i}]" "The event is null."
                    elif e.Id = Guid.Empty then fail $"events[{i}].Id" "The event id is empty: ids are idempotency keys and must be set."
                    elif i = repeat then fail $"events[{i}].Id" $"The event id {e.Id} appears twice in one append."
                    else
                        match eventDataAt limits "events" i e.Data with
                        | Ok() when obj.ReferenceEquals(e.Metadata, checkedMetadata) && not (obj.ReferenceEquals(e.Metadata, null)) ->
                            check (i + 1) checkedMetadata
                        | Ok() ->
                            match metadataAt (fun () -> $"events[{i}].Metadata") e.Metadata with
                            | Ok() -> check (i + 1) e.Metadata
                            | err -> err
                        | err -> err
            match check 0 Unchecked.defaultof<EventMetadata> with
            | Ok() ->
                match bodyBytes events with
                | bytes when bytes > int64 Limits.AppendBodyBytes ->
                    fail "events" $"The bodies of one append may hold at most {Limits.AppendBodyBytes:N0} bytes of UTF-8 in all, not {bytes:N0}: split it into several appends."
                | _ -> Ok()
            | error -> error

    /// How many types the items name in all (null items and type arrays, which `items` names, count none).
    let private typeCount (items: QueryItem[]) =
        let mutable count = 0
        for item in items do
            if not (obj.ReferenceEquals(item, null) || isNull item.Types) then count <- count + item.Types.Length
        count

    /// The types and tags of a query's items: the same rules as events', so a query can name anything an event holds;
    /// at most Limits.QueryItems items naming at most Limits.QueryTypes types in all (counted first, so an absurd query
    /// is not checked type by type).
    let private items (items: QueryItem[]) =
        let types = typeCount items
        let mutable result =
            if items.Length > Limits.QueryItems then
                fail "query.Items" $"The query holds {items.Length} items; a query may hold at most {Limits.QueryItems}."
            elif types > Limits.QueryTypes then
                fail "query.Items" $"The query names {types} event types over its items; a query may name at most {Limits.QueryTypes}."
            else Ok()
        let mutable i = 0
        while Result.isOk result && i < items.Length do
            let item = items.[i]
            if obj.ReferenceEquals(item, null) then result <- fail $"query.Items[{i}]" "The query item is null."
            elif isNull item.Types then result <- fail $"query.Items[{i}].Types" "The types are null: use an empty array."
            elif isNull item.Tags then result <- fail $"query.Items[{i}].Tags" "The tags are null: use an empty array."
            else
                for k in 0 .. item.Types.Length - 1 do
                    if Result.isOk result then
                        match eventTypeProblem item.Types.[k] with
                        | null -> ()
                        | problem -> result <- fail $"query.Items[{i}].Types[{k}]" problem
                for k in 0 .. item.Tags.Length - 1 do
                    if Result.isOk result then
                        match tagProblem item.Tags.[k] with
                        | null -> ()
                        | problem -> result <- fail $"query.Items[{i}].Tags[{k}]" problem
            i <- i + 1
        result

    /// A reading direction: Forward or Backward (C# callers can cast any number to the enum).
    let private isDefined (direction: Direction) = direction = Direction.Forward || direction = Direction.Backward

    let direction (field: string) (direction: Direction) =
        if isDefined direction then Ok()
        else fail field $"The direction {int direction} is not defined: use Direction.Forward or Direction.Backward."

    /// A read's bounds, direction and items.
    let query (query: EventQuery) =
        if obj.ReferenceEquals(query, null) then fail "query" "The query is null."
        elif not (isDefined query.Direction) then direction "query.Direction" query.Direction
        elif query.Limit < 0 then fail "query.Limit" $"The limit must be 0 (no limit) or more, not {query.Limit}."
        elif query.After < 0L then fail "query.After" $"The position must be 0 or more, not {query.After}."
        elif isNull query.Items then fail "query.Items" "The query items are null: use an empty array for all events."
        else items query.Items

    /// A stream read (StreamRead's fields): its stream id, the version it reads after, its direction and its limit.
    let streamRead (streamId: string) (after: int64) (readDirection: Direction) (limit: int) =
        match stream "read.Stream" streamId with
        | Error e -> Error e
        | Ok() when not (isDefined readDirection) -> direction "read.Direction" readDirection
        | Ok() when limit < 0 -> fail "read.Limit" $"The limit must be 0 (no limit) or more, not {limit}."
        | Ok() when after < 0L -> fail "read.After" $"The version must be 0 or more, not {after}."
        | Ok() -> Ok()

    /// An expected version: not null (C# callers can pass one), and an exact version of 0 or more.
    let expectedVersion (field: string) (expected: ExpectedVersion) =
        match expected with
        | e when obj.ReferenceEquals(e, null) -> fail field "The expected version is null: use ExpectedVersion.Any when any version will do."
        | ExpectedVersion.Exact v when v < 0L -> fail field $"The expected version must be 0 or more, not {v}."
        | _ -> Ok()

    /// A short piece of caller-supplied text (an actor, a role, a correlation id): at most maxLength characters of
    /// the text class (no control characters, no lone surrogates). Empty is allowed.
    let text (field: string) (maxLength: int) (value: string) =
        if isNull value || value.Length = 0 then Ok()
        else ofProblem field (textProblem $"'{field}'" maxLength CharClass.Text value)

    /// A processor checkpoint's position: 0 (nothing processed) or more.
    let checkpointPosition (field: string) (position: Position) =
        if position < 0L then fail field $"The checkpoint position must be 0 or more, not {position}." else Ok()

    /// A lease's fencing token, as a checkpoint's writer passes it: 0 or more (leases grant 1 and up; an unclaimed
    /// checkpoint is fenced at 0). A negative one is no lease's, and would otherwise just lose as stale.
    let fencingToken (field: string) (token: int64) =
        if token < 0L then fail field $"The fencing token must be 0 or more, not {token}: pass the token of the lease held." else Ok()

    /// Who holds a lease (ILeaseStore.Release, and the lease a renewal names): a resource of 1 to
    /// Limits.LeaseResourceLength and an owner of 1 to Limits.LeaseOwnerLength characters, both text (no control
    /// characters, no lone surrogates).
    let leaseHolder (resource: string) (owner: string) =
        match ofProblem "resource" (textProblem "The lease resource" Limits.LeaseResourceLength CharClass.Text resource) with
        | Ok() -> ofProblem "owner" (textProblem "The lease owner" Limits.LeaseOwnerLength CharClass.Text owner)
        | error -> error

    /// A lease grant or renewal (ILeaseStore.TryAcquire, Renew): its holder, and a duration above 0 and at most
    /// Limits.LeaseDuration.
    let leaseRequest (resource: string) (owner: string) (duration: TimeSpan) =
        match leaseHolder resource owner with
        | Ok() when duration <= TimeSpan.Zero || duration > Limits.LeaseDuration ->
            fail "duration" $"A lease lasts more than 0 and at most {Limits.LeaseDuration}, not {duration}."
        | result -> result

    /// A processor pause or resume (ILeaseStore.Pause, Resume): a processor name, and a tenant id or "" (every tenant,
    /// Pausing.everyTenant).
    let processorPause (processor: string) (tenantId: TenantId) =
        match name "processor" "processor" processor with
        | Ok() when isNull tenantId -> fail "tenant" "The tenant is null: use \"\" to pause or resume for every tenant."
        | Ok() when tenantId.Length = 0 -> Ok()
        | Ok() -> tenant tenantId
        | error -> error

    /// Throws an InvalidInputException naming the tenant and the field when the result is an error.
    let orThrow (tenant: TenantId) (result: Result<unit, Error>) =
        match result with
        | Ok() -> ()
        | Result.Error e -> raise (InvalidInputException(e.Field, $"Tenant '{tenant}': {e.Field}: {e.Message}"))
