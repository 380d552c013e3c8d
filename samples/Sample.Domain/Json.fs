// Event bodies as JSON (System.Text.Json, web defaults: camelCase names). Pure: no I/O.
module Hybrid.Sample.Json

open System.Text.Json

let private options = JsonSerializerOptions(JsonSerializerDefaults.Web)

/// The JSON text of a body record.
let serialize (value: 'T) = JsonSerializer.Serialize(value, options)

/// The body record of a JSON text.
let deserialize<'T> (json: string) = JsonSerializer.Deserialize<'T>(json, options)
