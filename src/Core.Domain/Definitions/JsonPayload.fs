// Parsing request payloads (JSON) into typed commands and queries, with errors naming the field.
namespace Hybrid

open System.Text.Json

/// JSON conventions for command and query payloads and for event bodies written by definitions.
module JsonPayload =

    /// camelCase names, case-insensitive reading, numbers as numbers.
    let options =
        let o = JsonSerializerOptions(JsonSerializerDefaults.Web)
        o.AllowTrailingCommas <- false
        o.MakeReadOnly(true)
        o

    /// The value as JSON.
    let serialize (value: 'T) = JsonSerializer.Serialize(value, options)

    let private fieldOf (path: string) =
        if System.String.IsNullOrEmpty path then "body"
        else path.TrimStart('$').TrimStart('.')
        |> fun f -> if f = "" then "body" else f

    /// Parses JSON into a 'T, or an error naming the field that could not be read.
    let parse<'T> (json: string) : Result<'T, Validation.Error> =
        if System.String.IsNullOrWhiteSpace json then Error { Field = "body"; Message = "The request body is empty." }
        else
            try
                let value = JsonSerializer.Deserialize<'T>(json, options)
                if obj.ReferenceEquals(value, null) then Error { Field = "body"; Message = "The request body is null." }
                else Ok value
            with :? JsonException as e ->
                let field = fieldOf e.Path
                Error { Field = field; Message = $"The value of '{field}' could not be read as {typeof<'T>.Name}." }

    /// Reads an event body, or None when it is not what the type expects (bodies of unknown shape are skipped, not fatal).
    let tryRead<'T> (body: string) : 'T option =
        try
            let value = JsonSerializer.Deserialize<'T>(body, options)
            if obj.ReferenceEquals(value, null) then None else Some value
        with
        | :? JsonException
        | :? System.ArgumentException
        | :? System.NotSupportedException -> None

    /// Requires a non-empty string field.
    let required (field: string) (value: string) : Result<unit, Validation.Error> =
        if System.String.IsNullOrWhiteSpace value then Error { Field = field; Message = $"'{field}' is required." }
        else Ok()
