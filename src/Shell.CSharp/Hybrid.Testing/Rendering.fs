// How the kit shows events and values in failure messages: indented JSON, bodies as JSON rather than strings.
module internal Hybrid.Testing.Rendering

open System.Text.Json
open System.Text.Json.Nodes
open Hybrid

let private indented =
    let o = JsonSerializerOptions(JsonPayload.options)
    o.WriteIndented <- true
    o

/// A body as a JSON node (a string node when it is not JSON).
let bodyNode (body: string) : JsonNode =
    if isNull body then null
    else
        try
            JsonNode.Parse body
        with :? JsonException -> JsonValue.Create body :> JsonNode

let private tagsOf (tags: Tag[]) = if isNull tags then [||] else tags

/// An event as a JSON object: type, stream, tags, schema version (when not 1) and body.
let eventNode (e: EventData) =
    let o = JsonObject()
    o["type"] <- JsonValue.Create e.Type
    if not (isNull e.Stream) then o["stream"] <- JsonValue.Create e.Stream
    o["tags"] <- JsonArray(tagsOf e.Tags |> Array.map (fun t -> JsonValue.Create t :> JsonNode))
    if e.SchemaVersion <> 1 then o["schemaVersion"] <- JsonValue.Create e.SchemaVersion
    o["body"] <- bodyNode e.Body
    o

/// Events as an indented JSON array.
let events (es: EventData seq) =
    JsonArray(es |> Seq.map (fun e -> eventNode e :> JsonNode) |> Array.ofSeq).ToJsonString indented

/// A value as indented JSON, or F#'s structured text when JSON cannot show it (unions, functions).
let value (v: obj) =
    try
        JsonSerializer.Serialize(v, indented)
    with _ -> sprintf "%A" v

/// True when two events have the same type, stream, tags (in any order), schema version and JSON body.
let sameEvent (a: EventData) (b: EventData) =
    a.Type = b.Type
    && a.Stream = b.Stream
    && Set.ofArray (tagsOf a.Tags) = Set.ofArray (tagsOf b.Tags)
    && a.SchemaVersion = b.SchemaVersion
    && JsonNode.DeepEquals(bodyNode a.Body, bodyNode b.Body)

/// True when two lists of events are the same, event by event.
let sameEvents (expected: EventData list) (actual: EventData list) =
    expected.Length = actual.Length && List.forall2 sameEvent expected actual
