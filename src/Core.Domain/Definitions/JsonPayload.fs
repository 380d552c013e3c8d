// Parsing request payloads (JSON) into typed commands and queries, with errors naming the field.
namespace Hybrid

open System
open System.Text.Encodings.Web
open System.Text.Json
open System.Text.Json.Serialization
open System.Text.Json.Serialization.Metadata

/// JSON conventions for command and query payloads, results and event bodies written by definitions.
///
/// Requests are read strictly: camelCase names (matched without regard to case), numbers as numbers, no trailing
/// commas, no field given twice, no unknown fields (a payload type marked `[<JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)>]`
/// accepts them), and every field that is not an option present. Event bodies are read tolerantly (unknown fields
/// skipped, missing ones left empty), so old and new events of one type both read. F# records, unions (see
/// `UnionJsonConverter`), options and lists round-trip. Output keeps `'` and non-ASCII letters as they are.
module JsonPayload =

    /// Option fields may be left out of a request: they read as None.
    let private optionalOptions (info: JsonTypeInfo) =
        if info.Kind = JsonTypeInfoKind.Object then
            for p in info.Properties do
                let t = p.PropertyType
                if t.IsGenericType && (t.GetGenericTypeDefinition() = typedefof<option<_>> || t.GetGenericTypeDefinition() = typedefof<voption<_>>) then
                    p.IsRequired <- false

    let private build (strict: bool) =
        let o = JsonSerializerOptions(JsonSerializerDefaults.Web)
        o.AllowTrailingCommas <- false
        o.Encoder <- JavaScriptEncoder.UnsafeRelaxedJsonEscaping
        o.Converters.Add(UnionJsonConverter())
        if strict then
            o.NumberHandling <- JsonNumberHandling.Strict
            o.UnmappedMemberHandling <- JsonUnmappedMemberHandling.Disallow
            o.AllowDuplicateProperties <- false
            o.RespectRequiredConstructorParameters <- true
            o.TypeInfoResolver <- DefaultJsonTypeInfoResolver().WithAddedModifier(Action<JsonTypeInfo> optionalOptions)
        else
            o.TypeInfoResolver <- DefaultJsonTypeInfoResolver()
        o.MakeReadOnly(true)
        o

    /// The options requests are read with (strict), and every value is written with.
    let options = build true

    /// The options event bodies are read with (tolerant).
    let bodyOptions = build false

    /// The value as JSON.
    let serialize (value: 'T) = JsonSerializer.Serialize(value, options)

    /// The field holding a NUL character in well-formed JSON, or None.
    let private nulField (json: string) =
        use document = JsonDocument.Parse(json, JsonDocumentOptions(MaxDepth = options.MaxDepth))
        PayloadErrors.firstNulText document.RootElement

    /// Parses JSON into a value of the type, or an error naming the field that could not be read.
    let parseAs (target: Type) (json: string) : Result<obj, Validation.Error> =
        if String.IsNullOrWhiteSpace json then Error { Field = "body"; Message = "The request body is empty: send a JSON object." }
        else
            try
                let value = JsonSerializer.Deserialize(json, target, options)
                if obj.ReferenceEquals(value, null) then Error { Field = "body"; Message = "The request body is null: send a JSON object." }
                else
                    // A NUL character reads into a string, but it is not text (no event and no store keeps it): the
                    // field is named here rather than the event body that would carry it.
                    match (if json.Contains("\\u0000", StringComparison.OrdinalIgnoreCase) then nulField json else None) with
                    | Some field -> Error { Field = field; Message = $"'{field}' holds a NUL character (\\u0000): it is not text." }
                    | None -> Ok value
            with :? JsonException as e ->
                Error(PayloadErrors.explain options target json e.Path)

    /// Parses JSON into a 'T, or an error naming the field that could not be read.
    let parse<'T> (json: string) : Result<'T, Validation.Error> = parseAs typeof<'T> json |> Result.map unbox<'T>

    /// Reads an event body, or None when it is not what the type expects (bodies of unknown shape are skipped, not fatal).
    let tryRead<'T> (body: string) : 'T option =
        try
            let value = JsonSerializer.Deserialize<'T>(body, bodyOptions)
            if obj.ReferenceEquals(value, null) then None else Some value
        with
        | :? JsonException
        | :? ArgumentException
        | :? NotSupportedException -> None

    /// Reads an event body as tryRead does, from its UTF-8 bytes when it has not been decoded to text (no string made).
    let tryReadBody<'T> (body: EventBody) : 'T option =
        try
            let value =
                if body.IsDecoded then JsonSerializer.Deserialize<'T>(body.Text, bodyOptions)
                else JsonSerializer.Deserialize<'T>(body.Utf8.Span, bodyOptions)
            if obj.ReferenceEquals(value, null) then None else Some value
        with
        | :? JsonException
        | :? ArgumentException
        | :? NotSupportedException -> None

    /// Requires a non-empty string field.
    let required (field: string) (value: string) : Result<unit, Validation.Error> =
        if String.IsNullOrWhiteSpace value then Error { Field = field; Message = $"'{field}' is required." }
        else Ok()
