// Upcasters turn stored events of an old schema into the current one on every read path.
namespace Hybrid

/// Turns an event of EventType at SchemaVersion into the next schema (SchemaVersion + 1, possibly another type).
type Upcaster =
    { EventType: string
      SchemaVersion: int
      Upcast: RecordedEvent -> RecordedEvent }

/// Chaining upcasters: the pure rule every read path applies.
module Upcasting =

    /// The key an upcaster is found by.
    let private key (e: RecordedEvent) = struct (e.Type, e.SchemaVersion)

    /// Builds the function applying every upcaster that matches, in chain order, until none matches.
    /// The first upcaster registered for a (type, schema version) wins; each must raise the schema version,
    /// so a chain always ends.
    let chain (upcasters: Upcaster seq) : RecordedEvent -> RecordedEvent =
        let table = System.Collections.Generic.Dictionary<struct (string * int), Upcaster>()
        for u in upcasters do
            table.TryAdd(struct (u.EventType, u.SchemaVersion), u) |> ignore
        if table.Count = 0 then id
        else
            let rec apply (e: RecordedEvent) =
                match table.TryGetValue(key e) with
                | true, u ->
                    let next = u.Upcast e
                    let next = if next.SchemaVersion <= e.SchemaVersion then { next with SchemaVersion = e.SchemaVersion + 1 } else next
                    apply next
                | _ -> e
            apply

    /// Checks a set of upcasters: no two for the same (type, schema version).
    let validate (upcasters: Upcaster seq) =
        upcasters
        |> Seq.countBy (fun u -> u.EventType, u.SchemaVersion)
        |> Seq.tryFind (fun (_, n) -> n > 1)
        |> function
            | Some((t, v), _) -> Error $"Two upcasters are registered for event type '{t}' at schema version {v}."
            | None -> Ok()
