// Why a JSON payload could not be read, in the caller's terms: the field (a JSON path such as "items[2].text")
// and what is wrong with it. Runs only after reading failed, so it may re-read the text.
namespace Hybrid

open System
open System.Text.Json
open System.Text.Json.Serialization.Metadata

/// Explains System.Text.Json's reading errors without its .NET type names.
module PayloadErrors =

    let private error field message : Validation.Error = { Field = field; Message = message }

    /// The field a JSON path names: "$.items[2].text" is "items[2].text"; the root is "body".
    let fieldOf (path: string) =
        let trimmed = if isNull path then "" else path.TrimStart('$').TrimStart('.')
        if trimmed = "" then "body" else trimmed

    /// A field the core or a store names in .NET terms ("events[0].Tags[1]", "condition.query.Items[0]") as the
    /// request's JSON names it, as fieldOf does for reading errors: each member name in camelCase (the web naming that
    /// JsonPayload reads and writes with), indexes and keys in brackets kept as they are. A step that is no identifier
    /// (a header such as "If-Match") is kept as it is.
    let jsonField (field: string) =
        if String.IsNullOrEmpty field then field
        else
            let out = Text.StringBuilder(field.Length)
            let mutable i = 0
            while i < field.Length do
                match field.[i] with
                | '[' ->
                    let close = field.IndexOf(']', i)
                    let stop = if close < 0 then field.Length else close + 1
                    out.Append(field, i, stop - i) |> ignore
                    i <- stop
                | '.' ->
                    out.Append '.' |> ignore
                    i <- i + 1
                | _ ->
                    let mutable stop = i
                    while stop < field.Length && field.[stop] <> '.' && field.[stop] <> '[' do stop <- stop + 1
                    let name = field.Substring(i, stop - i)
                    let identifier = name |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '_')
                    out.Append(if identifier then JsonNamingPolicy.CamelCase.ConvertName name else name) |> ignore
                    i <- stop
            out.ToString()

    /// An invalid input's error as the request's JSON names fields, for every surface (HTTP, GraphQL, broker replies):
    /// its field by jsonField, and the same field where the message names it after the tenant, as a store words it
    /// ("Tenant 't': events[0].Tags[0]: …").
    let inJsonTerms (error: Validation.Error) : Validation.Error =
        let field = jsonField error.Field
        if field = error.Field then error
        else { Field = field; Message = error.Message.Replace($"': {error.Field}: ", $"': {field}: ", StringComparison.Ordinal) }

    /// The path's steps: property names and array indexes.
    let private steps (path: string) =
        let trimmed = if isNull path then "" else path.TrimStart('$')
        [ for part in trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries) do
              let bracket = part.IndexOf '['
              let name = if bracket < 0 then part else part.Substring(0, bracket)
              let name = name.Trim('\'', '[', ']')
              if name <> "" then Choice1Of2 name
              if bracket >= 0 then
                  for index in part.Substring(bracket).Split([| '['; ']' |], StringSplitOptions.RemoveEmptyEntries) do
                      match Int32.TryParse index with
                      | true, i -> Choice2Of2 i
                      | _ -> Choice1Of2(index.Trim('\''))
        ]

    /// Whether the text is one JSON value when read without a depth limit (the reader is iterative, not recursive).
    let private parsesAtAnyDepth (json: string) =
        try
            use _ = JsonDocument.Parse(json, JsonDocumentOptions(MaxDepth = Int32.MaxValue))
            true
        with :? JsonException -> false

    let private isWellFormed (maxDepth: int) (json: string) =
        try
            use _ = JsonDocument.Parse(json, JsonDocumentOptions(MaxDepth = maxDepth))
            Ok()
        with :? JsonException as e ->
            let line = (if e.LineNumber.HasValue then e.LineNumber.Value else 0L) + 1L
            let at = if e.BytePositionInLine.HasValue then e.BytePositionInLine.Value else 0L
            if parsesAtAnyDepth json then
                Error(error "body" $"The body nests objects and lists deeper than {maxDepth} levels (line {line}, byte {at}).")
            else Error(error "body" $"The body is not well-formed JSON (line {line}, byte {at}).")

    /// The first path, depth first in document order, where the search stops: at a property when the test of its
    /// object (a fresh one per object, from <c>inObject</c>) holds, before its value is searched; at any other value
    /// when <c>atValue</c> holds (the root value is "body").
    let private firstPath (inObject: unit -> JsonProperty -> bool) (atValue: JsonElement -> bool) (root: JsonElement) =
        let rec find (prefix: string) (element: JsonElement) =
            match element.ValueKind with
            | JsonValueKind.Object ->
                let stopsAt = inObject ()
                element.EnumerateObject()
                |> Seq.tryPick (fun p ->
                    let path = if prefix = "" then p.Name else $"{prefix}.{p.Name}"
                    if stopsAt p then Some path else find path p.Value)
            | JsonValueKind.Array ->
                element.EnumerateArray() |> Seq.indexed |> Seq.tryPick (fun (i, item) -> find $"{prefix}[{i}]" item)
            | _ when atValue element -> Some(if prefix = "" then "body" else prefix)
            | _ -> None
        find "" root

    /// The path of the first property named twice in one object (names compared as the options compare them), or None.
    let private repeatedProperty (options: JsonSerializerOptions) (root: JsonElement) =
        let comparer = if options.PropertyNameCaseInsensitive then StringComparer.OrdinalIgnoreCase else StringComparer.Ordinal
        let inObject () =
            let seen = Collections.Generic.HashSet<string>(comparer)
            fun (p: JsonProperty) -> not (seen.Add p.Name)
        firstPath inObject (fun _ -> false) root

    /// The path of the first property name or string value holding a NUL character (what \u0000 reads as), or None.
    let firstNulText (root: JsonElement) =
        firstPath (fun () (p: JsonProperty) -> p.Name.Contains '\000')
            (fun value -> value.ValueKind = JsonValueKind.String && value.GetString().Contains '\000') root

    /// The integer types a payload field may have (the serializer reads them from JSON numbers without a fraction).
    let private isWhole (t: Type) =
        t = typeof<int> || t = typeof<int64> || t = typeof<int16> || t = typeof<byte> || t = typeof<uint32> || t = typeof<uint64>
        || t = typeof<sbyte> || t = typeof<uint16>

    /// What is wrong with a value of the expected kind that still did not read: a whole number out of the type's
    /// range, or a string holding half of a surrogate pair (not text). None when the value is of another kind.
    let private unreadable (field: string) (expected: Type) (element: JsonElement) =
        let expected = Nullable.GetUnderlyingType expected |> Option.ofObj |> Option.defaultValue expected
        match element.ValueKind with
        | JsonValueKind.Number when isWhole expected && element.GetRawText().IndexOfAny([| '.'; 'e'; 'E' |]) < 0 ->
            let min = expected.GetField("MinValue").GetValue(null)
            let max = expected.GetField("MaxValue").GetValue(null)
            Some(error field $"'{field}' must be a whole number from {min} to {max}, not {element.GetRawText()}.")
        | JsonValueKind.String when expected = typeof<string> ->
            try
                element.GetString() |> ignore
                None
            with :? InvalidOperationException ->
                Some(error field $"'{field}' holds an escaped surrogate (\\uD800-\\uDFFF) without its other half: it is not text.")
        | _ -> None

    let private property (info: JsonTypeInfo) (name: string) =
        if info.Kind <> JsonTypeInfoKind.Object then None
        else
            info.Properties
            |> Seq.tryFind (fun p -> String.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))

    /// What a value of the type looks like, in words.
    let rec describe (t: Type) =
        let t = Nullable.GetUnderlyingType t |> Option.ofObj |> Option.defaultValue t
        if t = typeof<string> || t = typeof<Guid> || t = typeof<char> then "a string"
        elif t = typeof<DateTimeOffset> || t = typeof<DateTime> then "a date and time string (ISO 8601)"
        elif t = typeof<bool> then "true or false"
        elif isWhole t then "a whole number"
        elif t = typeof<float> || t = typeof<float32> || t = typeof<decimal> then "a number"
        elif t.IsGenericType && t.GetGenericTypeDefinition() = typedefof<option<_>> then
            $"null or {describe (t.GetGenericArguments().[0])}"
        elif t.IsEnum then "one of " + String.Join(", ", Enum.GetNames t)
        elif UnionJsonConverter.IsUnion t then
            let cases = Microsoft.FSharp.Reflection.FSharpType.GetUnionCases(t, Reflection.BindingFlags.Public ||| Reflection.BindingFlags.NonPublic) |> Array.map (fun c -> $"'{c.Name}'")
            "one of the cases " + String.Join(", ", cases)
        elif t.IsArray || (t.IsGenericType && typeof<Collections.IEnumerable>.IsAssignableFrom t) then "a list"
        else "an object"

    /// The type expected at the path, walking the contract from the root; None when a step is unknown.
    let rec private typeAt (options: JsonSerializerOptions) (t: Type) (path: Choice<string, int> list) =
        match path with
        | [] -> Ok t
        | Choice1Of2 name :: rest ->
            match property (options.GetTypeInfo t) name with
            | Some p -> typeAt options p.PropertyType rest
            | None when (options.GetTypeInfo t).Kind = JsonTypeInfoKind.Object -> Error name
            | None -> Error ""
        | Choice2Of2 _ :: rest ->
            let info = options.GetTypeInfo t
            if info.Kind = JsonTypeInfoKind.Enumerable && not (isNull info.ElementType) then typeAt options info.ElementType rest
            else Error ""

    /// The JSON element at the path, when it is there.
    let rec private elementAt (element: JsonElement) (path: Choice<string, int> list) =
        match path with
        | [] -> Some element
        | Choice1Of2 name :: rest when element.ValueKind = JsonValueKind.Object ->
            element.EnumerateObject()
            |> Seq.tryFind (fun p -> String.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            |> Option.bind (fun p -> elementAt p.Value rest)
        | Choice2Of2 i :: rest when element.ValueKind = JsonValueKind.Array && i < element.GetArrayLength() -> elementAt (element.[i]) rest
        | _ -> None

    /// The first required property of an object type that the JSON object lacks.
    let private missingRequired (options: JsonSerializerOptions) (t: Type) (element: JsonElement) =
        let info = options.GetTypeInfo t
        if info.Kind <> JsonTypeInfoKind.Object || element.ValueKind <> JsonValueKind.Object then None
        else
            let present = element.EnumerateObject() |> Seq.map (fun p -> p.Name.ToLowerInvariant()) |> Set.ofSeq
            info.Properties |> Seq.tryFind (fun p -> p.IsRequired && not (present.Contains(p.Name.ToLowerInvariant())))

    let private join (prefix: string) (name: string) = if prefix = "body" then name else $"{prefix}.{name}"

    /// The error for a failed read of JSON into the type, given the path System.Text.Json reported.
    let explain (options: JsonSerializerOptions) (target: Type) (json: string) (path: string) : Validation.Error =
        let maxDepth = if options.MaxDepth > 0 then options.MaxDepth else 64
        match isWellFormed maxDepth json with
        | Error e -> e
        | Ok() ->
            let field = fieldOf path
            let route = steps path
            use document = JsonDocument.Parse(json)
            match (if options.AllowDuplicateProperties then None else repeatedProperty options document.RootElement) with
            | Some repeated -> error repeated $"'{repeated}' is given more than once: send each field once."
            | None ->
                match typeAt options target route with
                | Error unknown when unknown <> "" -> error field $"'{field}' is not a field of this request."
                | Error _ -> error field $"The value of '{field}' does not have the expected shape."
                | Ok expected ->
                    match elementAt document.RootElement route with
                    | Some element ->
                        match missingRequired options expected element with
                        | Some missing -> let f = join field missing.Name in error f $"'{f}' is required."
                        | None when element.ValueKind = JsonValueKind.Null -> error field $"'{field}' must not be null: it must be {describe expected}."
                        | None ->
                            match unreadable field expected element with
                            | Some e -> e
                            | None -> error field $"'{field}' must be {describe expected}."
                    | None -> error field $"'{field}' must be {describe expected}."
