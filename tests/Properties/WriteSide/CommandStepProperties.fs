// The pure steps the command processor runs: the consistency condition, expected versions, metadata, authorization.
module Hybrid.Tests.Properties.WriteSide.CommandStepProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators
open Hybrid.Tests.Properties.WriteSide.WriteSideGenerators

let private streamState (log: RecordedEvent[]) (stream: StreamId) =
    let events = log |> Array.filter (fun e -> e.Stream = stream)
    struct ((if events.Length = 0 then 0L else events.[events.Length - 1].StreamVersion), events.Length > 0)

let private holds (log: RecordedEvent[]) condition =
    AppendCondition.evaluate (AppendCondition.readerOfLog log (streamState log)) condition |> Result.isOk

let private genLookup =
    Gen.oneof
        [ genQuery 15 |> Gen.map (fun q -> Lookup.Events { q with Items = (if q.Items.Length = 0 then [| QueryItem.OfTypes "Created" |] else q.Items) })
          Gen.nonEmptyListOf (Gen.elements streams) |> Gen.map Lookup.Streams ]

let private lookupScenario = Gen.zip3 genLog genLookup genLog |> Arb.fromGen

[<Property>]
let ``the condition holds on the log the lookup read`` () =
    Prop.forAll lookupScenario (fun (log, lookup, _) ->
        holds log (Command.condition lookup (lookedUpFrom log lookup)))

[<Property>]
let ``the condition fails exactly when a later event touches what the lookup read`` () =
    Prop.forAll lookupScenario (fun (log, lookup, later) ->
        let looked = lookedUpFrom log lookup
        let extended = record "t1" ([ for e in log -> e.Data ] @ [ for e in later -> e.Data ]) |> List.toArray
        let added = extended.[log.Length..]
        let touched =
            match lookup with
            | Lookup.Events q -> added |> Array.exists (fun e -> EventQuery.matchesTypeAndTags q e.Type e.Tags)
            | Lookup.Streams ss -> added |> Array.exists (fun e -> List.contains e.Stream ss)
        holds extended (Command.condition lookup looked) = not touched)

[<Property>]
let ``a query lookup reads only events up to the head it read first`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (genQuery 15) (Gen.choose (0, 20)))) (fun (query, head) ->
        let read = Command.readQuery query (int64 head)
        read.Before <= int64 head + 1L && read.Direction = Direction.Forward && read.Limit = 0 && read.Items = query.Items)

[<Property>]
let ``an expected version passes exactly when it matches the first stream read`` () =
    let arb = Gen.zip3 genLog (Gen.elements streams) genExpectedVersion |> Arb.fromGen
    Prop.forAll arb (fun (log, stream, expected) ->
        let lookup = Lookup.Streams [ stream ]
        let looked = lookedUpFrom log lookup
        let struct (version, live) = streamState log stream
        let matches =
            match expected with
            | ExpectedVersion.Any -> true
            | ExpectedVersion.NoStream -> not live
            | ExpectedVersion.StreamExists -> live
            | ExpectedVersion.Exact v -> v = version
        match Command.checkExpected (Some expected) lookup looked with
        | Ok() -> matches
        | Error(CommandOutcome.VersionMismatch f) -> not matches && f.ActualVersion = version && f.Stream = stream
        | Error _ -> false)

[<Property>]
let ``an expected version on a query lookup is invalid input naming the field`` () =
    Prop.forAll (Arb.fromGen (genQuery 15)) (fun q ->
        match Command.checkExpected (Some(ExpectedVersion.Exact 1L)) (Lookup.Events q) (LookedUp.OfEvents(0L, [||])) with
        | Error(CommandOutcome.Invalid e) -> e.Field = "expectedVersion"
        | _ -> false)

[<Property>]
let ``every event of a command carries its causation, correlation and actor`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genCaller (Gen.choose (1, 1000)))) (fun (caller, n) ->
        let commandId = idOf n
        let m = Command.metadata caller commandId
        let events = [ for i in 1..3 -> EventData.Tagged("T", "{}") ]
        let proposed = Command.propose [ idOf (n + 1); idOf (n + 2); idOf (n + 3) ] m events
        m.CausationId = string commandId
        && m.CorrelationId = (if caller.CorrelationId = "" then string commandId else caller.CorrelationId)
        && m.Actor = caller.Actor
        && proposed |> Array.forall (fun p -> p.Metadata = m)
        && (proposed |> Array.map (fun p -> p.Id) |> Array.distinct).Length = 3)

[<Property>]
let ``a definition without an authorization function refuses every caller`` () =
    Prop.forAll (Arb.fromGen (Gen.zip3 (Gen.elements allCommands) genCaller genPayload)) (fun (command, caller, payload) ->
        let unguarded = { command with Authorize = None }
        match unguarded.Check(caller, box payload) with
        | Authorization.Denied reason -> reason.Contains command.Name
        | Authorization.Allowed -> false)

[<Property>]
let ``a role check allows exactly authenticated callers having the role`` () =
    Prop.forAll (Arb.fromGen genCaller) (fun caller ->
        let allowed = Authorize.inRole "admin" caller () = Authorization.Allowed
        allowed = (caller.IsAuthenticated && Array.contains "admin" caller.Roles))

[<Property>]
let ``a keyed query selects the aggregate's events carrying any of the keys`` () =
    let arb = Gen.zip (subsetOf tags |> Gen.map List.ofArray) genEventData |> Arb.fromGen
    Prop.forAll arb (fun (keys, data) ->
        let q = Command.keyedQuery [ "Created"; "Paid" ] keys
        let expected =
            keys.IsEmpty
            || (List.contains data.Type [ "Created"; "Paid" ] && keys |> List.exists (fun k -> Array.contains k data.Tags))
        EventQuery.matchesTypeAndTags q data.Type data.Tags = expected)

[<Property>]
let ``only condition failures that a re-read can resolve are retried`` () =
    Prop.forAll (Arb.fromGen (Gen.elements (Enum.GetValues<ConditionFailureKind>() |> List.ofArray))) (fun kind ->
        let failure = { Kind = kind; Reason = ""; Stream = null; ActualVersion = 0L }
        Command.isRetryable failure
        = (kind = ConditionFailureKind.WrongExpectedVersion || kind = ConditionFailureKind.EventsMatched || kind = ConditionFailureKind.PredicateRejected))

[<Property>]
let ``a migration lists each stream of its source once, in order of first appearance`` () =
    Prop.forAll (Arb.fromGen genLog) (fun log ->
        let listed = AggregateMigration.streamsOf log
        let expected = log |> Array.choose (fun e -> Option.ofObj e.Stream) |> Array.distinct |> List.ofArray
        listed = expected)
