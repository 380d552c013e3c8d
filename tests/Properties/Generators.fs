// Generators over small pools of types, tags, streams and tenants, so generated events collide often enough
// for queries, conditions and versions to be interesting.
module Hybrid.Tests.Properties.Generators

open System
open FsCheck.FSharp
open Hybrid

let eventTypes = [ "Created"; "Paid"; "Shipped" ]
let tags = [ "customer:1"; "customer:2"; "region:eu" ]
let streams = [ "order-1"; "order-2"; "order-3" ]
let tenants = [ "t1"; "t2"; "t3" ]

/// A deterministic id per number, so failing cases replay identically.
let idOf (n: int) = Guid(n, 0s, 0s, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 1uy)

let subsetOf (pool: 'a list) = Gen.subListOf pool |> Gen.map List.toArray

let genEventData =
    gen {
        let! eventType = Gen.elements eventTypes
        let! eventTags = subsetOf tags
        let! stream = Gen.optionOf (Gen.elements streams)
        let! n = Gen.choose (0, 99)
        return
            { Type = eventType
              Tags = eventTags
              Stream = Option.toObj stream
              Body = $"{{\"n\":{n}}}"
              SchemaVersion = 1 }
    }

/// A query item over the pools, with a type no event has now and then.
let genQueryItem =
    gen {
        let! types = subsetOf (eventTypes @ [ "Unknown" ])
        let! itemTags = Gen.frequency [ 3, subsetOf tags; 1, Gen.constant [||] ]
        return { Types = types; Tags = itemTags }
    }

/// A query whose positions fall around a log of up to maxPosition events.
let genQuery (maxPosition: int) =
    gen {
        let! items = Gen.frequency [ 1, Gen.constant [||]; 4, Gen.choose (1, 3) |> Gen.bind (fun n -> Gen.arrayOfLength n genQueryItem) ]
        let! after = Gen.frequency [ 2, Gen.constant 0L; 3, Gen.choose (0, maxPosition + 1) |> Gen.map int64 ]
        let! before = Gen.frequency [ 3, Gen.constant Int64.MaxValue; 1, Gen.choose (0, maxPosition + 2) |> Gen.map int64 ]
        let! direction = Gen.elements [ Direction.Forward; Direction.Backward ]
        let! limit = Gen.frequency [ 2, Gen.constant 0; 1, Gen.choose (1, 4) ]
        return { Items = items; After = after; Before = before; Direction = direction; Limit = limit }
    }

/// Recorded events as a store would assign them: positions 1.. and per-stream versions 1..
let record (tenant: TenantId) (data: EventData list) =
    let versions = Collections.Generic.Dictionary<string, int64>()
    data
    |> List.mapi (fun i d ->
        let version =
            if isNull d.Stream then 0L
            else
                let v = (match versions.TryGetValue d.Stream with | true, v -> v | _ -> 0L) + 1L
                versions[d.Stream] <- v
                v
        { Id = idOf (i + 1)
          Tenant = tenant
          Position = int64 (i + 1)
          Stream = d.Stream
          StreamVersion = version
          Type = d.Type
          Tags = d.Tags
          Content = EventBody.OfText d.Body
          SchemaVersion = d.SchemaVersion
          Metadata = EventMetadata.Empty
          Timestamp = DateTimeOffset.UnixEpoch })

/// A log of 0 to 15 recorded events.
let genLog =
    Gen.choose (0, 15) |> Gen.bind (fun n -> Gen.listOfLength n genEventData) |> Gen.map (record "t1" >> List.toArray)

let genExpectedVersion =
    Gen.oneof
        [ Gen.constant ExpectedVersion.Any
          Gen.constant ExpectedVersion.NoStream
          Gen.constant ExpectedVersion.StreamExists
          Gen.choose (0, 4) |> Gen.map (int64 >> ExpectedVersion.Exact) ]

/// A predicate on how many events match, with a description saying so.
let genPredicate (maxPosition: int) =
    gen {
        let! query = genQuery maxPosition
        let! bound = Gen.choose (0, 4)
        return Predicate(query, (fun events -> events.Length < bound), $"fewer than {bound} match")
    }

/// A condition of every kind, nested at most once.
let genCondition (maxPosition: int) =
    let leaf =
        Gen.frequency
            [ 1, Gen.constant NoCondition
              3, Gen.map2 (fun s e -> AppendCondition.StreamVersion(s, e)) (Gen.elements streams) genExpectedVersion
              3, Gen.map2 (fun q a -> FailIfEventsMatch(q, int64 a)) (genQuery maxPosition) (Gen.choose (0, maxPosition + 1))
              2, genPredicate maxPosition ]
    Gen.frequency [ 5, leaf; 1, Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n leaf) |> Gen.map All ]

/// A shrinker for lists: drop one element at a time.
let dropOne (items: 'a list) =
    seq { for i in 0 .. items.Length - 1 -> List.removeAt i items }
