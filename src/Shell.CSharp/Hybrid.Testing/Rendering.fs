// How the kit shows events and values in failure messages: indented JSON, bodies as JSON rather than strings.
module internal Hybrid.Testing.Rendering

open System
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

let private shown (node: JsonNode) = if isNull node then "null" else node.ToJsonString()

/// The first place two JSON values differ, as (path, expected, actual); None when they are equal.
let rec private jsonDifference (path: string) (expected: JsonNode) (actual: JsonNode) : (string * string * string) option =
    match expected, actual with
    | _ when JsonNode.DeepEquals(expected, actual) -> None
    | (:? JsonObject as e), (:? JsonObject as a) ->
        let keys = Seq.append (e |> Seq.map (fun p -> p.Key)) (a |> Seq.map (fun p -> p.Key)) |> Seq.distinct
        keys
        |> Seq.tryPick (fun key ->
            let child = $"{path}.{key}"
            match e.ContainsKey key, a.ContainsKey key with
            | true, true -> jsonDifference child e.[key] a.[key]
            | true, false -> Some(child, shown e.[key], "(missing)")
            | false, true -> Some(child, "(missing)", shown a.[key])
            | _ -> None)
    | (:? JsonArray as e), (:? JsonArray as a) ->
        Seq.init (max e.Count a.Count) id
        |> Seq.tryPick (fun i ->
            let child = $"{path}[{i}]"
            if i >= e.Count then Some(child, "(missing)", shown a.[i])
            elif i >= a.Count then Some(child, shown e.[i], "(missing)")
            else jsonDifference child e.[i] a.[i])
    | _ -> Some(path, shown expected, shown actual)

/// Where two lists of events first differ, as a sentence (which event, which field, expected and actual); None when
/// they are the same (sameEvents).
let firstDifference (expected: EventData list) (actual: EventData list) =
    let pairs = List.zip (List.truncate actual.Length expected) (List.truncate expected.Length actual)
    let differing = pairs |> List.tryFindIndex (fun (e, a) -> not (sameEvent e a))
    let at (i: int) (field: string) (e: string) (a: string) =
        Some $"First difference: event {i + 1} ({expected.[i].Type}), {field}: expected {e} but was {a}."
    match differing with
    | Some i ->
        let e, a = pairs.[i]
        if e.Type <> a.Type then at i "type" $"'{e.Type}'" $"'{a.Type}'"
        elif e.Stream <> a.Stream then at i "stream" $"'{e.Stream}'" $"'{a.Stream}'"
        elif Set.ofArray (tagsOf e.Tags) <> Set.ofArray (tagsOf a.Tags) then
            at i "tags" $"[{String.Join(',', Set.ofArray (tagsOf e.Tags))}]" $"[{String.Join(',', Set.ofArray (tagsOf a.Tags))}]"
        elif e.SchemaVersion <> a.SchemaVersion then at i "schemaVersion" (string e.SchemaVersion) (string a.SchemaVersion)
        else
            match jsonDifference "body" (bodyNode e.Body) (bodyNode a.Body) with
            | Some(path, ev, av) -> at i path ev av
            | None -> None
    | None when expected.Length > actual.Length ->
        Some $"First difference: {expected.Length} event(s) expected but {actual.Length} written; the first missing is event {actual.Length + 1} ({expected.[actual.Length].Type})."
    | None when actual.Length > expected.Length ->
        Some $"First difference: {expected.Length} event(s) expected but {actual.Length} written; the first extra is event {expected.Length + 1} ({actual.[expected.Length].Type})."
    | None -> None

/// Where two values first differ once shown as JSON (a view, a query's answer), as a sentence; None when their JSON is
/// the same or cannot be made.
let valueDifference (expected: obj) (actual: obj) =
    try
        let node (v: obj) = JsonSerializer.SerializeToNode(v, indented)
        match jsonDifference "value" (node expected) (node actual) with
        | Some(path, e, a) -> Some $"First difference: {path}: expected {e} but was {a}."
        | None when not (isNull expected || isNull actual) && expected.GetType() <> actual.GetType() ->
            Some $"First difference: the type: expected {expected.GetType().Name} but was {actual.GetType().Name}."
        | None -> None
    with _ -> None
