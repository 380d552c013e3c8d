// A tiny domain for read-model tests: counters with a key and a group, counted, moved between groups, removed.
module Hybrid.Tests.TestDomain.ReadModels.CounterEvents

open System.Text.Json
open Hybrid

/// A counter event, decoded.
type CounterEvent =
    | Counted of key: string * amount: int * group: string
    | Moved of key: string * group: string
    | Removed of key: string

[<Literal>]
let CountedType = "Counted"

[<Literal>]
let MovedType = "Moved"

[<Literal>]
let RemovedType = "Removed"

/// Every counter event type.
let types = [ CountedType; MovedType; RemovedType ]

/// The tag of a counter.
let counterTag (key: string) : Tag = "counter:" + key

/// The tag of a group.
let groupTag (group: string) : Tag = "group:" + group

/// The event data of a counter event, tagged with its counter (and group when it names one).
let toData (e: CounterEvent) : EventData =
    match e with
    | Counted(key, amount, group) ->
        let body = JsonSerializer.Serialize {| key = key; amount = amount; group = group |}
        EventData.Tagged(CountedType, body, counterTag key, groupTag group)
    | Moved(key, group) ->
        let body = JsonSerializer.Serialize {| key = key; group = group |}
        EventData.Tagged(MovedType, body, counterTag key, groupTag group)
    | Removed key -> EventData.Tagged(RemovedType, JsonSerializer.Serialize {| key = key |}, counterTag key)

/// Decodes a recorded counter event; None for other types.
let decode (e: RecordedEvent) : CounterEvent option =
    let str (doc: JsonDocument) (name: string) = doc.RootElement.GetProperty(name).GetString()
    match e.Type with
    | CountedType ->
        use doc = JsonDocument.Parse e.Body
        Some(Counted(str doc "key", doc.RootElement.GetProperty("amount").GetInt32(), str doc "group"))
    | MovedType ->
        use doc = JsonDocument.Parse e.Body
        Some(Moved(str doc "key", str doc "group"))
    | RemovedType ->
        use doc = JsonDocument.Parse e.Body
        Some(Removed(str doc "key"))
    | _ -> None

/// The counter an event is about.
let keyOf (e: CounterEvent) =
    match e with
    | Counted(key, _, _)
    | Moved(key, _)
    | Removed key -> key

/// The group an event names, if any.
let groupOf (e: CounterEvent) =
    match e with
    | Counted(_, _, group)
    | Moved(_, group) -> Some group
    | Removed _ -> None
