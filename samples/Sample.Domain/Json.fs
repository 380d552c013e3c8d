// Event bodies as JSON, with the framework's conventions (camelCase names, F# unions and options). Pure: no I/O.
module Hybrid.Sample.Json

open System.Text.Json
open Hybrid

/// The JSON text of a body record.
let serialize (value: 'T) = JsonPayload.serialize value

/// The body record of a JSON text (read tolerantly: fields the record lacks are skipped).
let deserialize<'T> (json: string) = JsonSerializer.Deserialize<'T>(json, JsonPayload.bodyOptions)
