// Generators for the write side: callers, domain payloads (valid and broken), and logs of the test domain's events.
module Hybrid.Tests.Properties.WriteSide.WriteSideGenerators

open FsCheck.FSharp
open Hybrid
open Hybrid.Tests.TestDomain
open Hybrid.Tests.Properties.Generators

let ids = [ "a"; "b"; "c" ]
let emails = [ "x@y.org"; "X@Y.org "; "z@y.org" ]

let genCaller =
    gen {
        let! tenant = Gen.elements [ "t1"; "t2" ]
        let! actor = Gen.elements [ ""; "alice"; "bob" ]
        let! roles = subsetOf [ "admin"; "clerk" ]
        let! correlation = Gen.elements [ ""; "corr-1" ]
        return { Tenant = tenant; Actor = actor; Roles = roles; CorrelationId = correlation }
    }

let private genInt = Gen.frequency [ 4, Gen.choose (-5, 120); 1, Gen.elements [ System.Int32.MaxValue; System.Int32.MinValue; 0 ] ]
let private genText = Gen.frequency [ 5, Gen.elements ids; 1, Gen.elements [ ""; " "; "\u00e9\"q" ] ]

let private str (s: string) = JsonPayload.serialize s

/// A JSON payload for a command or query: well-formed with random fields, or broken.
let genPayload =
    let wellFormed =
        gen {
            let! id = genText
            let! other = genText
            let! n = genInt
            let! email = Gen.elements (emails @ [ ""; "no-at" ])
            return!
                Gen.elements
                    [ $"""{{"counterId":{str id},"by":{n}}}"""
                      $"""{{"customerId":{str id},"email":{str email},"name":{str other}}}"""
                      $"""{{"customerId":{str id},"name":{str other}}}"""
                      $"""{{"accountId":{str id},"balance":{n}}}"""
                      $"""{{"transferId":"t","from":{str id},"to":{str other},"amount":{n}}}"""
                      $"""{{"text":{str other}}}""" ]
        }
    let broken = Gen.elements [ ""; "null"; "[]"; "{"; "{\"by\":\"many\"}"; "{\"counterId\":null}"; "42"; "{\"amount\":1.5}" ]
    Gen.frequency [ 5, wellFormed; 1, broken ]

/// An event body for one of the domain's event types: usually valid, sometimes of the wrong shape.
let private genBody (eventType: string) =
    gen {
        let! id = Gen.elements ids
        let! n = genInt
        let! email = Gen.elements emails
        let valid =
            match eventType with
            | "Incremented" | "Decremented" -> $"""{{"counterId":"{id}","by":{n}}}"""
            | "CounterSet" -> $"""{{"counterId":"{id}","total":{n}}}"""
            | "CustomerRegistered" -> $"""{{"customerId":"{id}","email":"{email}","name":"N"}}"""
            | "CustomerRenamed" -> $"""{{"customerId":"{id}","name":"M"}}"""
            | "AccountOpened" -> $"""{{"accountId":"{id}","balance":{n}}}"""
            | _ -> $"""{{"accountId":"{id}","amount":{n},"transfer":"t"}}"""
        return! Gen.frequency [ 3, Gen.constant valid; 1, Gen.elements [ "{}"; "[]"; "null"; "{\"by\":\"x\"}"; "\"text\"" ] ]
    }

let domainEventTypes =
    Counter.codec.EventTypes @ Customers.codec.EventTypes @ Accounts.codec.EventTypes @ [ "CounterSet"; "Noted"; "Other" ]

let private genDomainEvent (streams: StreamId list) =
    gen {
        let! eventType = Gen.elements domainEventTypes
        let! body = genBody eventType
        let! stream = Gen.elements (null :: streams)
        let! tagged = subsetOf [ "email:x@y.org"; "customer:a"; "customer:b"; "counter:a" ]
        return { Type = eventType; Tags = tagged; Stream = stream; Body = body; SchemaVersion = 1 }
    }

/// Events of the domain in some of the streams, recorded as a store would.
let genDomainLog (streams: StreamId list) =
    Gen.choose (0, 12) |> Gen.bind (fun n -> Gen.listOfLength n (genDomainEvent streams)) |> Gen.map (record "t1" >> List.toArray)

/// What a lookup would have read from the log: the query's matches, or each stream's events and version.
let lookedUpFrom (log: RecordedEvent[]) (lookup: Lookup) =
    let head = if log.Length = 0 then 0L else log.[log.Length - 1].Position
    match lookup with
    | Lookup.Events query -> LookedUp.OfEvents(head, EventQuery.select (Command.readQuery query head) log)
    | Lookup.Streams streams ->
        LookedUp.OfStreams(
            head,
            [ for s in List.distinct streams ->
                  let events = log |> Array.filter (fun e -> e.Stream = s)
                  s, (if events.Length = 0 then 0L else events.[events.Length - 1].StreamVersion), events ])

let allCommands = WriteSide.commands WriteSideCatalog.registry @ WriteSideCatalog.CounterV2.migration.Commands
