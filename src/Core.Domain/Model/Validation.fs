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

    /// Reads the UTF-8 JSON to its end; false when it is not well-formed.
    let private jsonIsWellFormed (utf8: byte[]) =
        try
            let mutable reader = Text.Json.Utf8JsonReader(ReadOnlySpan utf8)
            while reader.Read() do
                ()
            reader.BytesConsumed = int64 utf8.Length && utf8.Length > 0
        with :? Text.Json.JsonException -> false

    /// One event's data.
    let eventData (limits: InputLimits) (field: string) (data: EventData) =
        let result =
            if obj.ReferenceEquals(data, null) then fail field "The event is null."
            elif String.IsNullOrWhiteSpace data.Type then fail $"{field}.Type" "The event type is empty."
            elif data.Type.Length > 200 then fail $"{field}.Type" "The event type is longer than 200 characters."
            elif isNull data.Body then fail $"{field}.Body" $"The body of a '{data.Type}' event is null."
            elif data.Body.Length * 3 > limits.MaxBodyBytes && Text.Encoding.UTF8.GetByteCount data.Body > limits.MaxBodyBytes then
                fail $"{field}.Body" $"The body of a '{data.Type}' event is larger than {limits.MaxBodyBytes} bytes."
            elif not (jsonIsWellFormed (Text.Encoding.UTF8.GetBytes data.Body)) then
                fail $"{field}.Body" $"The body of a '{data.Type}' event is not well-formed JSON."
            elif data.SchemaVersion < 1 then fail $"{field}.SchemaVersion" "The schema version must be 1 or more."
            elif isNull data.Tags then fail $"{field}.Tags" "The tags are null: use an empty array."
            elif data.Tags.Length > limits.MaxTags then fail $"{field}.Tags" $"An event has more than {limits.MaxTags} tags."
            else Ok()
        let withTags =
            result
            |> Result.bind (fun () ->
                data.Tags
                |> Array.indexed
                |> Array.fold (fun acc (i, t) -> acc |> Result.bind (fun () -> tag $"{field}.Tags[{i}]" t)) (Ok()))
        withTags
        |> Result.bind (fun () -> if isNull data.Stream then Ok() else stream $"{field}.Stream" data.Stream)

    /// The events of one append: at least one, within limits, ids non-empty and distinct.
    let proposed (limits: InputLimits) (events: ProposedEvent[]) =
        if isNull events || events.Length = 0 then fail "events" "An append needs at least one event."
        elif events.Length > limits.MaxEventsPerAppend then
            fail "events" $"An append may hold at most {limits.MaxEventsPerAppend} events, not {events.Length}."
        else
            let rec check i (seen: Collections.Generic.HashSet<Guid>) =
                if i = events.Length then Ok()
                else
                    let e = events.[i]
                    let field = $"events[{i}]"
                    if obj.ReferenceEquals(e, null) then fail field "The event is null."
                    elif e.Id = Guid.Empty then fail $"{field}.Id" "The event id is empty: ids are idempotency keys and must be set."
                    elif not (seen.Add e.Id) then fail $"{field}.Id" $"The event id {e.Id} appears twice in one append."
                    else
                        match eventData limits field e.Data with
                        | Ok() -> check (i + 1) seen
                        | err -> err
            check 0 (Collections.Generic.HashSet())

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
