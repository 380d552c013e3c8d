// Input checks every store runs before writing anything: each error names the field and what was wrong.
namespace Hybrid

open System

/// Bad input, named by field (and tenant/stream where known). Nothing was written.
type InvalidInputException(field: string, message: string) =
    inherit ArgumentException(message, field)
    /// The offending field, e.g. "events[2].Type".
    member _.Field = field

/// Limits a store enforces on input.
type InputLimits =
    { MaxBodyBytes: int
      MaxTags: int
      MaxEventsPerAppend: int }

    /// 1 MiB bodies, 32 tags, 10,000 events per append.
    static member Default = { MaxBodyBytes = 1 <<< 20; MaxTags = 32; MaxEventsPerAppend = 10_000 }

/// Pure validation of identifiers and events. Each check returns an error naming the field, or Ok.
module Validation =

    type Error = { Field: string; Message: string }

    let private fail field message = Result.Error { Field = field; Message = message }

    let private isIdChar (c: char) = Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.'

    /// A tenant id: 1 to 64 ASCII letters, digits, '-', '_', '.', starting with a letter or digit.
    let tenant (tenant: TenantId) =
        if String.IsNullOrEmpty tenant then fail "tenant" "The tenant id is empty."
        elif tenant.Length > 64 then fail "tenant" $"The tenant id '{tenant.[..15]}…' is longer than 64 characters."
        elif not (Char.IsAsciiLetterOrDigit tenant.[0]) || not (String.forall isIdChar tenant) then
            fail "tenant" $"The tenant id '{tenant}' has an unknown format: use letters, digits, '-', '_' or '.', starting with a letter or digit."
        else Ok()

    /// A stream id: 1 to 200 characters, not starting with '$', without control characters.
    let stream (field: string) (stream: StreamId) =
        if String.IsNullOrWhiteSpace stream then fail field "The stream id is empty."
        elif stream = Names.All then fail field "Appending to or deleting '$all' is not allowed: it is the tenant's whole log."
        elif stream.StartsWith "$" then fail field $"The stream id '{stream}' starts with '$', which is reserved."
        elif stream.Length > 200 then fail field "The stream id is longer than 200 characters."
        elif String.exists Char.IsControl stream then fail field $"The stream id '{stream}' contains control characters."
        else Ok()

    /// A tag: "kind:id" with both parts non-empty.
    let tag (field: string) (tag: Tag) =
        if String.IsNullOrEmpty tag then fail field "The tag is empty."
        else
            let colon = tag.IndexOf ':'
            if colon <= 0 || colon = tag.Length - 1 then fail field $"The tag '{tag}' is not of the form 'kind:id'."
            elif tag.Length > 200 then fail field "The tag is longer than 200 characters."
            else Ok()

    /// True when the stream id passes `stream`: checked without building the field name, which only an error needs.
    let private streamIsValid (stream: StreamId) =
        let mutable valid = not (String.IsNullOrWhiteSpace stream) && stream.[0] <> '$' && stream.Length <= 200
        let mutable i = 0
        while valid && i < stream.Length do
            valid <- not (Char.IsControl stream.[i])
            i <- i + 1
        valid

    /// True when the tag passes `tag`.
    let private tagIsValid (tag: Tag) =
        not (String.IsNullOrEmpty tag)
        && (let colon = tag.IndexOf ':' in colon > 0 && colon < tag.Length - 1)
        && tag.Length <= 200

    /// Reads the UTF-8 JSON to its end; false when it is not well-formed.
    let private jsonIsWellFormed (utf8: ReadOnlySpan<byte>) =
        try
            let mutable reader = Text.Json.Utf8JsonReader(utf8)
            while reader.Read() do
                ()
            reader.BytesConsumed = int64 utf8.Length && utf8.Length > 0
        with :? Text.Json.JsonException -> false

    /// Encodes the body into a pooled buffer (no allocation per event) and checks it is well-formed JSON.
    let private bodyIsJson (body: string) =
        let buffer = Buffers.ArrayPool<byte>.Shared.Rent(Text.Encoding.UTF8.GetMaxByteCount body.Length)
        try
            let length = Text.Encoding.UTF8.GetBytes(body, 0, body.Length, buffer, 0)
            jsonIsWellFormed (ReadOnlySpan(buffer, 0, length))
        finally
            Buffers.ArrayPool<byte>.Shared.Return buffer

    /// The field name of an event: `prefix[index]`, or `prefix` alone when index is negative. Built only for errors.
    let private eventField (prefix: string) (index: int) =
        if index < 0 then prefix else $"{prefix}[{index}]"

    let private failAt prefix index suffix message = fail (eventField prefix index + suffix) message

    /// The index of the first tag that does not pass `tag`, or -1.
    let private firstBadTag (tags: Tag[]) =
        let mutable bad = -1
        let mutable i = 0
        while bad < 0 && i < tags.Length do
            if not (tagIsValid tags.[i]) then bad <- i
            i <- i + 1
        bad

    /// One event's data, named prefix[index] (or prefix when index < 0) in errors.
    let private eventDataAt (limits: InputLimits) (prefix: string) (index: int) (data: EventData) =
        let inline fail suffix message = failAt prefix index suffix message
        if obj.ReferenceEquals(data, null) then fail "" "The event is null."
        elif String.IsNullOrWhiteSpace data.Type then fail ".Type" "The event type is empty."
        elif data.Type.Length > 200 then fail ".Type" "The event type is longer than 200 characters."
        elif isNull data.Body then fail ".Body" $"The body of a '{data.Type}' event is null."
        elif data.Body.Length * 3 > limits.MaxBodyBytes && Text.Encoding.UTF8.GetByteCount data.Body > limits.MaxBodyBytes then
            fail ".Body" $"The body of a '{data.Type}' event is larger than {limits.MaxBodyBytes} bytes."
        elif not (bodyIsJson data.Body) then fail ".Body" $"The body of a '{data.Type}' event is not well-formed JSON."
        elif data.SchemaVersion < 1 then fail ".SchemaVersion" "The schema version must be 1 or more."
        elif isNull data.Tags then fail ".Tags" "The tags are null: use an empty array."
        elif data.Tags.Length > limits.MaxTags then fail ".Tags" $"An event has more than {limits.MaxTags} tags."
        else
            let badTag = firstBadTag data.Tags
            if badTag >= 0 then tag $"{eventField prefix index}.Tags[{badTag}]" data.Tags.[badTag]
            elif isNull data.Stream || streamIsValid data.Stream then Ok()
            else stream $"{eventField prefix index}.Stream" data.Stream

    /// One event's data.
    let eventData (limits: InputLimits) (field: string) (data: EventData) = eventDataAt limits field -1 data

    /// The most user-defined fields an event's metadata may carry.
    [<Literal>]
    let MaxMetadataFields = 32

    /// The longest metadata value (causation, correlation, actor, a field's value), in characters.
    [<Literal>]
    let MaxMetadataValueLength = 1024

    let private metadataText (field: string) (value: string) =
        if isNull value then Ok()
        elif value.Length > MaxMetadataValueLength then fail field $"The value is longer than {MaxMetadataValueLength} characters."
        elif value.Contains '\u0000' then fail field "The value contains a NUL character (\\u0000)."
        else Ok()

    let private traceText (field: string) (limit: int) (value: string) =
        if isNull value then Ok()
        elif value.Length > limit then fail field $"The trace context is longer than {limit} characters."
        elif String.exists Char.IsControl value then fail field "The trace context contains control characters."
        else Ok()

    let private fieldName (field: string) (name: string) =
        if String.IsNullOrEmpty name then fail field "A metadata field has an empty name."
        elif name.Length > 64 then fail field $"The metadata field name '{name.[..15]}…' is longer than 64 characters."
        elif not (String.forall isIdChar name) then
            fail field $"The metadata field name '{name}' has an unknown format: use letters, digits, '-', '_' or '.'."
        else Ok()

    /// Event metadata (null allowed: stores read it as empty): values within limits and without NUL, a W3C trace
    /// context of sane size, at most MaxMetadataFields fields named like identifiers.
    let metadata (field: string) (m: EventMetadata) =
        if obj.ReferenceEquals(m, null) then Ok()
        else
            let fields = if isNull (box m.Fields) then Map.empty else m.Fields
            let checks =
                seq {
                    yield fun () -> metadataText $"{field}.CausationId" m.CausationId
                    yield fun () -> metadataText $"{field}.CorrelationId" m.CorrelationId
                    yield fun () -> metadataText $"{field}.Actor" m.Actor
                    yield fun () -> traceText $"{field}.TraceParent" 128 m.TraceParent
                    yield fun () -> traceText $"{field}.TraceState" 512 m.TraceState
                    yield fun () ->
                        if fields.Count > MaxMetadataFields then fail $"{field}.Fields" $"The metadata has more than {MaxMetadataFields} fields."
                        else Ok()
                    for KeyValue(name, value) in fields do
                        yield fun () -> fieldName $"{field}.Fields" name
                        yield fun () -> metadataText $"{field}.Fields[{name}]" value
                }
            checks |> Seq.map (fun check -> check ()) |> Seq.tryFind Result.isError |> Option.defaultValue (Ok())

    /// The index of the first event whose id an earlier event has, or -1: a scan for small appends, a set for large ones.
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
            let seen = Collections.Generic.HashSet<Guid>(events.Length)
            let mutable repeat = -1
            let mutable i = 0
            while repeat < 0 && i < events.Length do
                let e = events.[i]
                if not (obj.ReferenceEquals(e, null)) && not (seen.Add e.Id) then repeat <- i
                i <- i + 1
            repeat

    /// True when metadata needs no check beyond its type: absent, or short fixed values without fields or trace.
    let private isPlain (m: EventMetadata) =
        obj.ReferenceEquals(m, null)
        || ((isNull (box m.Fields) || m.Fields.IsEmpty) && String.IsNullOrEmpty m.TraceParent && String.IsNullOrEmpty m.TraceState
            && (isNull m.CausationId || m.CausationId.Length <= 64) && (isNull m.CorrelationId || m.CorrelationId.Length <= 64)
            && (isNull m.Actor || (m.Actor.Length <= 64 && not (m.Actor.Contains '\u0000')))
            && (isNull m.CorrelationId || not (m.CorrelationId.Contains '\u0000'))
            && (isNull m.CausationId || not (m.CausationId.Contains '\u0000')))

    /// The events of one append: at least one, within limits, ids non-empty and distinct.
    let proposed (limits: InputLimits) (events: ProposedEvent[]) =
        if isNull events || events.Length = 0 then fail "events" "An append needs at least one event."
        elif events.Length > limits.MaxEventsPerAppend then
            fail "events" $"An append may hold at most {limits.MaxEventsPerAppend} events, not {events.Length}."
        else
            // Errors are reported for the first bad event in order; a repeated id counts at its second occurrence.
            let repeat = firstRepeat events
            let rec check i =
                if i = events.Length then Ok()
                else
                    let e = events.[i]
                    if obj.ReferenceEquals(e, null) then fail $"events[{i}]" "The event is null."
                    elif e.Id = Guid.Empty then fail $"events[{i}].Id" "The event id is empty: ids are idempotency keys and must be set."
                    elif i = repeat then fail $"events[{i}].Id" $"The event id {e.Id} appears twice in one append."
                    else
                        match eventDataAt limits "events" i e.Data with
                        | Ok() when isPlain e.Metadata -> check (i + 1)
                        | Ok() ->
                            match metadata $"events[{i}].Metadata" e.Metadata with
                            | Ok() -> check (i + 1)
                            | err -> err
                        | err -> err
            check 0

    /// A read's bounds.
    let query (query: EventQuery) =
        if obj.ReferenceEquals(query, null) then fail "query" "The query is null."
        elif query.Limit < 0 then fail "query.Limit" $"The limit must be 0 (no limit) or more, not {query.Limit}."
        elif query.After < 0L then fail "query.After" $"The position must be 0 or more, not {query.After}."
        elif isNull query.Items then fail "query.Items" "The query items are null: use an empty array for all events."
        else Ok()

    /// An expected version.
    let expectedVersion (field: string) (expected: ExpectedVersion) =
        match expected with
        | ExpectedVersion.Exact v when v < 0L -> fail field $"The expected version must be 0 or more, not {v}."
        | _ -> Ok()

    /// Throws an InvalidInputException naming the tenant and the field when the result is an error.
    let orThrow (tenant: TenantId) (result: Result<unit, Error>) =
        match result with
        | Ok() -> ()
        | Result.Error e -> raise (InvalidInputException(e.Field, $"Tenant '{tenant}': {e.Field}: {e.Message}"))
