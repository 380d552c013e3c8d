// Random sequences over small pools (so that conditions, versions and queries collide), with valid input of every
// character class the validator accepts and invalid input drawn from every rule it enforces.
module Hybrid.Tests.StoreDifferential.Generators

open System
open FsCheck.FSharp
open Hybrid

let eventTypes = [ "Created"; "Paid"; "order.shipped/v2" ]
let tags = [ "customer:1"; "customer:2"; "email:zoe@example.com"; "city:Zürich"; "title:Buy milk" ]
let streams = [ "order-1"; "order-2"; "user@example.com" ]
let processors = [ "mailer"; "billing" ]

/// Bodies of every JSON shape, with escapes, characters outside ASCII, key orders, spacing and number spellings that
/// a normalizing store (jsonb) would write back differently: every store must return them as appended.
let bodies =
    [ """{"n":1}"""; """{"n":-2.5,"ok":true}"""; """{"s":"é"}"""; """{"s":"\u00e9"}"""; """{"e":"\ud83d\ude00"}"""
      """{"e":"😀"}"""; """[1,2,{"a":null}]"""; "\"text\""; "42"; """{"nested":{"list":[{"x":"a\"b"}]}}"""
      """{"a":{"a":1},"b":[{"a":1},{"a":2}]}"""; """{"z":1,"a":2}"""; """{ "spaced" : [ 1 , 2 ] }"""; """{"big":1e400,"scale":1.50}""" ]

let subsetOf (pool: 'a list) = Gen.subListOf pool |> Gen.map List.toArray

let genEventData =
    gen {
        let! eventType = Gen.elements eventTypes
        let! eventTags = subsetOf tags
        let! stream = Gen.frequency [ 3, Gen.elements streams |> Gen.map Some; 1, Gen.constant None ]
        let! body = Gen.elements bodies
        return { Type = eventType; Tags = eventTags; Stream = Option.toObj stream; Body = body; SchemaVersion = 1 }
    }

let genMetadata =
    Gen.elements
        [ EventMetadata.Empty
          EventMetadata.Of("c-1", "corr-1", "ann")
          EventMetadata.Of("", "corr 2 ✓", "bob@example.com")
          { EventMetadata.Of("c-3", "corr-3", "cy") with
              TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
              Fields = Map.ofList [ "client", "mobile"; "request.id", "r 7 ✓" ] } ]

let genQueryItem =
    gen {
        let! types = subsetOf (eventTypes @ [ "Unknown" ])
        let! itemTags = Gen.frequency [ 3, subsetOf (List.truncate 3 tags); 1, Gen.constant [||] ]
        return { Types = types; Tags = itemTags }
    }

let genQuery =
    gen {
        let! items = Gen.frequency [ 1, Gen.constant [||]; 4, Gen.choose (1, 2) |> Gen.bind (fun n -> Gen.arrayOfLength n genQueryItem) ]
        let! after = Gen.frequency [ 2, Gen.constant 0L; 2, Gen.choose (0, 10) |> Gen.map int64 ]
        let! before = Gen.frequency [ 3, Gen.constant Int64.MaxValue; 1, Gen.choose (0, 12) |> Gen.map int64 ]
        let! direction = Gen.elements [ Direction.Forward; Direction.Backward ]
        let! limit = Gen.frequency [ 2, Gen.constant 0; 1, Gen.choose (1, 3) ]
        return { Items = items; After = after; Before = before; Direction = direction; Limit = limit }
    }

let genExpectedVersion =
    Gen.frequency
        [ 1, Gen.constant ExpectedVersion.Any
          2, Gen.constant ExpectedVersion.NoStream
          2, Gen.constant ExpectedVersion.StreamExists
          3, Gen.choose (0, 4) |> Gen.map (int64 >> ExpectedVersion.Exact) ]

let private throwing (_: RecordedEvent[]) : bool = raise (InvalidOperationException "the predicate threw")

let genCondition =
    let leaf =
        Gen.frequency
            [ 3, Gen.constant NoCondition
              4, Gen.map2 (fun s e -> AppendCondition.StreamVersion(s, e)) (Gen.elements streams) genExpectedVersion
              3, Gen.map2 (fun q a -> FailIfEventsMatch(q, int64 a)) genQuery (Gen.choose (0, 10))
              2, Gen.map2 (fun q bound -> Predicate(q, (fun es -> es.Length < bound), $"fewer than {bound} match")) genQuery (Gen.choose (0, 4))
              1, genQuery |> Gen.map (fun q -> Predicate(q, throwing, "throws")) ]
    Gen.frequency [ 6, leaf; 1, Gen.choose (0, 3) |> Gen.bind (fun n -> Gen.listOfLength n leaf) |> Gen.map All ]

let genCheckpoint =
    Gen.frequency
        [ 4, Gen.constant None
          1,
          gen {
              let! processor = Gen.elements processors
              let! position = Gen.choose (0, 10)
              let! token = Gen.choose (0, 3)
              return Some { Processor = processor; Position = int64 position; FencingToken = int64 token }
          } ]

let genAppendSpec =
    gen {
        let! count = Gen.frequency [ 1, Gen.constant 0; 6, Gen.choose (1, 3) ]
        let! events = Gen.listOfLength count genEventData
        let! metadata = genMetadata
        let! condition = genCondition
        let! checkpoint = genCheckpoint
        return { Events = events; Metadata = metadata; Condition = condition; Checkpoint = checkpoint }
    }

let private onEvent (change: EventData -> EventData) (r: AppendRequest) =
    let events = Array.copy r.Events
    events.[events.Length - 1] <- { events.[events.Length - 1] with Data = change events.[events.Length - 1].Data }
    { r with Events = events }

let private corruption name apply = { Name = name; Apply = apply }

// F# string literals turn a lone surrogate escape into U+FFFD: lone surrogates are built from their code.
let private high = string (char 0xD800)
let private low = string (char 0xDC00)

let private withType t = onEvent (fun d -> { d with Type = t })
let private withStream s = onEvent (fun d -> { d with Stream = s })
let private withTag t = onEvent (fun d -> { d with Tags = Array.append d.Tags [| t |] })
let private withBody b = onEvent (fun d -> { d with Body = b })
let private withMetadata m (r: AppendRequest) =
    let events = Array.copy r.Events
    events.[0] <- { events.[0] with Metadata = m }
    { r with Events = events }

/// One corruption per rule of the validator, over every character class.
let corruptions =
    [ corruption "type: empty" (withType "")
      corruption "type: space" (withType "Order Created")
      corruption "type: newline" (withType "Order\nCreated")
      corruption "type: NUL" (withType "Order\u0000")
      corruption "type: C1 control" (withType "Order\u0085")
      corruption "type: lone surrogate" (withType ("Order" + high))
      corruption "type: 201 characters" (withType (String('t', 201)))
      corruption "stream: empty" (withStream "")
      corruption "stream: $all" (withStream "$all")
      corruption "stream: reserved $" (withStream "$system")
      corruption "stream: space" (withStream "order 1")
      corruption "stream: tab" (withStream "order\t1")
      corruption "stream: lone low surrogate" (withStream ("order-" + low))
      corruption "stream: 201 characters" (withStream (String('s', 201)))
      corruption "tag: no colon" (withTag "nocolon")
      corruption "tag: empty kind" (withTag ":v")
      corruption "tag: empty value" (withTag "k:")
      corruption "tag: kind with a space" (withTag "a b:c")
      corruption "tag: kind outside ASCII" (withTag "stadt-ü:x")
      corruption "tag: NUL in the value" (withTag "k:a\u0000")
      corruption "tag: BEL in the value" (withTag "k:a\u0007")
      corruption "tag: line separator in the value" (withTag "k:a\u2028b")
      corruption "tag: lone surrogate in the value" (withTag ("k:" + high))
      corruption "tag: 201 characters" (withTag ("k:" + String('v', 199)))
      corruption "tags: 33 of them" (onEvent (fun d -> { d with Tags = Array.init 33 (fun i -> $"k:{i}") }))
      corruption "body: null" (withBody null)
      corruption "body: empty" (withBody "")
      corruption "body: not JSON" (withBody "{not json")
      corruption "body: trailing garbage" (withBody """{"a":1} x""")
      corruption "body: escaped lone high surrogate" (withBody """{"x":"\ud800"}""")
      corruption "body: escaped lone low surrogate" (withBody """{"x":"\udc00"}""")
      corruption "body: escaped high surrogate before a letter" (withBody """{"x":"\ud800\u0041"}""")
      corruption "body: escaped NUL" (withBody """{"x":"a\u0000b"}""")
      corruption "body: escaped NUL in a key" (withBody """{"\u0000":1}""")
      corruption "body: raw lone surrogate" (withBody ("{\"x\":\"" + high + "\"}"))
      corruption "body: raw NUL" (withBody "{\"x\":\"a\u0000\"}")
      corruption "body: a key twice in one object" (withBody """{"a":1,"b":2,"a":3}""")
      corruption "body: a key twice, once escaped" (withBody """{"x":{"a":1,"\u0061":2}}""")
      corruption "body: nested 65 deep" (withBody (String('[', 65) + String(']', 65)))
      corruption "body: over the size limit" (withBody ("\"" + String('x', InputLimits.Default.MaxBodyBytes) + "\""))
      corruption "schema version: 0" (onEvent (fun d -> { d with SchemaVersion = 0 }))
      corruption "metadata: actor with a newline" (withMetadata { EventMetadata.Empty with Actor = "ann\nbob" })
      corruption "metadata: correlation id of 257 characters" (withMetadata { EventMetadata.Empty with CorrelationId = String('c', 257) })
      corruption "metadata: lone surrogate" (withMetadata { EventMetadata.Empty with CausationId = low })
      corruption "id: empty" (fun r -> { r with Events = r.Events |> Array.mapi (fun i e -> if i = 0 then { e with Id = Guid.Empty } else e) })
      corruption "id: twice" (fun r -> { r with Events = Array.append r.Events [| r.Events.[0] |] })
      corruption "tenant: space" (fun r -> { r with Tenant = r.Tenant + " x" })
      corruption "tenant: slash" (fun r -> { r with Tenant = r.Tenant + "/x" })
      corruption "tenant: 65 characters" (fun r -> { r with Tenant = String('t', 65) })
      corruption "condition: on $all" (fun r -> { r with Condition = AppendCondition.StreamVersion("$all", ExpectedVersion.Any) })
      corruption "condition: negative version" (fun r -> { r with Condition = AppendCondition.StreamVersion("order-1", ExpectedVersion.Exact -1L) })
      corruption "condition: negative limit" (fun r -> { r with Condition = FailIfEventsMatch(EventQuery.All.Take -1, 0L) })
      corruption "condition: negative position" (fun r -> { r with Condition = FailIfEventsMatch(EventQuery.OfTypes "A", -1L) })
      corruption "condition: NUL in a query tag" (fun r -> { r with Condition = FailIfEventsMatch(EventQuery.OfTags "k:\u0000", 0L) })
      corruption "condition: newline in a query type" (fun r -> { r with Condition = FailIfEventsMatch(EventQuery.OfTypes "A\nB", 0L) })
      corruption "checkpoint: empty processor" (fun r -> { r with Checkpoint = Some { Processor = ""; Position = 1L; FencingToken = 1L } })
      corruption "checkpoint: processor with a slash" (fun r -> { r with Checkpoint = Some { Processor = "a/b"; Position = 1L; FencingToken = 1L } }) ]

let genTenant = Gen.frequency [ 3, Gen.constant 0; 1, Gen.constant 1 ]

let genMember = Gen.frequency [ 4, genAppendSpec |> Gen.map New; 1, Gen.choose (0, 20) |> Gen.map Again ]

let genOp =
    Gen.frequency
        [ 8, Gen.map2 (fun t s -> Append(t, s)) genTenant genAppendSpec
          2, Gen.choose (0, 20) |> Gen.map Resend
          1, Gen.map2 (fun i e -> PartialResend(i, e)) (Gen.choose (0, 20)) genEventData
          2,
          gen {
              let! t = genTenant
              let! spec = genAppendSpec
              let! events = Gen.choose (1, 2) |> Gen.bind (fun n -> Gen.listOfLength n genEventData)
              let! c = Gen.elements corruptions
              return BadAppend(t, { spec with Events = events }, c)
          }
          2, Gen.map2 (fun t ms -> Concurrent(t, ms)) genTenant (Gen.choose (2, 4) |> Gen.bind (fun n -> Gen.listOfLength n genMember))
          2, Gen.map2 (fun t q -> Read(t, q)) genTenant genQuery
          2,
          gen {
              let! t = genTenant
              let! s = Gen.elements streams
              let! after = Gen.choose (0, 4)
              let! before = Gen.frequency [ 3, Gen.constant Int64.MaxValue; 1, Gen.choose (0, 5) |> Gen.map int64 ]
              let! direction = Gen.elements [ Direction.Forward; Direction.Backward ]
              let! limit = Gen.choose (0, 3)
              return ReadStream(t, { Stream = s; After = int64 after; Before = before; Direction = direction; Limit = limit })
          }
          1, Gen.map3 (fun t s e -> Delete(t, s, e)) genTenant (Gen.elements streams) genExpectedVersion
          1, Gen.map3 (fun t p k -> Claim(t, p, int64 k)) genTenant (Gen.elements processors) (Gen.choose (0, 4))
          1, Gen.map2 (fun t p -> ReadCheckpoint(t, p)) genTenant (Gen.elements processors)
          1, Gen.map2 (fun t s -> GetStreamState(t, s)) genTenant (Gen.elements streams)
          1, genTenant |> Gen.map GetHead ]

/// Sequences of 1 to 12 operations (fewer when FsCheck's size is small).
let genSequence = Gen.sized (fun size -> Gen.choose (1, max 1 (min 12 size)) |> Gen.bind (fun n -> Gen.listOfLength n genOp))

let dropOne (items: 'a list) = seq { for i in 0 .. items.Length - 1 -> List.removeAt i items }
