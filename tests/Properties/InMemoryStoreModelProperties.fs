// Model-based properties of the in-memory store: random sequences of appends, retries, reads and deletes over
// several tenants, run against the store and against a plain list model built from the specification.
module Hybrid.Tests.Properties.InMemoryStoreModelProperties

open System.Collections.Generic
open System.Threading
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.InMemory.EventStore
open Hybrid.Tests.Properties.Generators

/// One step of a scenario.
type Op =
    /// Appends new events under a condition.
    | Append of tenant: TenantId * events: EventData list * condition: AppendCondition
    /// Sends an earlier append again, same ids and condition (a client retry).
    | Retry of earlier: int
    /// Sends the ids of an earlier append together with a new event.
    | PartialRetry of earlier: int * extra: EventData
    | Read of tenant: TenantId * query: EventQuery
    | ReadStream of tenant: TenantId * stream: StreamId * after: StreamVersion * direction: Direction * limit: int
    | Delete of tenant: TenantId * stream: StreamId * expected: ExpectedVersion

let private genOp =
    let tenant = Gen.elements tenants
    Gen.frequency
        [ 6, Gen.map3 (fun t es c -> Append(t, es, c)) tenant (Gen.choose (1, 4) |> Gen.bind (fun n -> Gen.listOfLength n genEventData)) (genCondition 12)
          2, Gen.choose (0, 20) |> Gen.map Retry
          1, Gen.map2 (fun i e -> PartialRetry(i, e)) (Gen.choose (0, 20)) genEventData
          2, Gen.map2 (fun t q -> Read(t, q)) tenant (genQuery 12)
          2,
          gen {
              let! t = tenant
              let! s = Gen.elements streams
              let! after = Gen.choose (0, 5)
              let! direction = Gen.elements [ Direction.Forward; Direction.Backward ]
              let! limit = Gen.choose (0, 3)
              return ReadStream(t, s, int64 after, direction, limit)
          }
          1, Gen.map3 (fun t s e -> Delete(t, s, e)) tenant (Gen.elements streams) genExpectedVersion ]

let private scenarios =
    Arb.fromGenShrink (Gen.sized (fun size -> Gen.choose (1, max 1 (min 40 size)) |> Gen.bind (fun n -> Gen.listOfLength n genOp)), dropOne)

/// What a recorded event is, timestamps aside (the model has no clock).
let private shape (e: RecordedEvent) = e.Id, e.Tenant, e.Position, e.Stream, e.StreamVersion, e.Type, List.ofArray e.Tags, e.Body

let private shapes (events: RecordedEvent seq) = events |> Seq.map shape |> List.ofSeq

/// The model: per tenant a plain list of recorded events and the tombstones of deleted streams.
type private Model() =
    let logs = Dictionary<TenantId, ResizeArray<RecordedEvent>>()
    let tombstones = Dictionary<struct (TenantId * StreamId), StreamVersion>()

    member _.Log(tenant) =
        match logs.TryGetValue tenant with
        | true, log -> log
        | _ ->
            let log = ResizeArray()
            logs[tenant] <- log
            log

    member _.DeletedUpTo (tenant: TenantId) (stream: StreamId) =
        match tombstones.TryGetValue(struct (tenant, stream)) with
        | true, v -> v
        | _ -> 0L

    member m.Delete(tenant, stream, version) = tombstones[struct (tenant, stream)] <- version

    member _.Tenants = logs |> Seq.filter (fun kv -> kv.Value.Count > 0) |> Seq.map (fun kv -> kv.Key) |> Seq.sort |> List.ofSeq

    /// What the store must answer to an append, applying it when it is written.
    member m.Append(tenant, proposed: ProposedEvent[], condition) : Result<RecordedEvent list, ConditionFailureKind> =
        let log = m.Log tenant
        let stored = proposed |> Array.choose (fun p -> log |> Seq.tryFind (fun e -> e.Id = p.Id))
        if stored.Length = proposed.Length then Ok(stored |> Array.sortBy (fun e -> e.Position) |> List.ofArray)
        elif stored.Length > 0 then Error ConditionFailureKind.DuplicateEventIds
        else
            match Specification.verdict (List.ofSeq log) (m.DeletedUpTo tenant) condition with
            | Error kind -> Error kind
            | Ok() ->
                let written =
                    proposed
                    |> Array.map (fun p ->
                        let version = if isNull p.Data.Stream then 0L else Specification.versionOf p.Data.Stream log + 1L
                        let e =
                            { Id = p.Id
                              Tenant = tenant
                              Position = int64 log.Count + 1L
                              Stream = p.Data.Stream
                              StreamVersion = version
                              Type = p.Data.Type
                              Tags = p.Data.Tags
                              Content = EventBody.OfText p.Data.Body
                              SchemaVersion = p.Data.SchemaVersion
                              Metadata = p.Metadata
                              Timestamp = System.DateTimeOffset.UnixEpoch }
                        log.Add e
                        e)
                Ok(List.ofArray written)

    member m.ReadStream(tenant, stream, after, direction, limit) =
        let deleted = m.DeletedUpTo tenant stream
        let live = m.Log tenant |> Seq.filter (fun e -> e.Stream = stream && e.StreamVersion > max after deleted) |> List.ofSeq
        let ordered = if direction = Direction.Backward then List.rev live else live
        if limit > 0 then List.truncate limit ordered else ordered

let private run (f: CancellationToken -> System.Threading.Tasks.Task<'a>) = (f CancellationToken.None).GetAwaiter().GetResult()

let private fail message = raise (Xunit.Sdk.XunitException message)

let private expectEqual what expected actual =
    if expected <> actual then fail $"{what}:\nexpected %A{expected}\nactual   %A{actual}"

/// Runs the scenario against a fresh store and the model, checking every answer and the invariants after each step.
let private runScenario (ops: Op list) =
    let store = InMemoryEventStore()
    let model = Model()
    let requests = ResizeArray<TenantId * ProposedEvent[] * AppendCondition>()
    let mutable nextId = 0
    let propose (data: EventData) =
        nextId <- nextId + 1
        { Id = idOf nextId; Data = data; Metadata = EventMetadata.Empty }
    let append (tenant, proposed, condition) =
        let expected = model.Append(tenant, proposed, condition)
        let actual = run (fun ct -> store.Append({ AppendRequest.Of(tenant, proposed) with Condition = condition }, ct))
        match expected, actual with
        | Ok events, AppendResult.Appended stored -> expectEqual "appended events" (shapes events) (shapes stored)
        | Error kind, AppendResult.ConditionFailed failure -> expectEqual "failure kind" kind failure.Kind
        | _ -> fail $"append: expected %A{expected}, store answered %A{actual}"
    for op in ops do
        match op with
        | Append(tenant, events, condition) ->
            let request = tenant, (events |> List.map propose |> Array.ofList), condition
            requests.Add request
            append request
        | Retry earlier when requests.Count > 0 -> append requests[earlier % requests.Count]
        | PartialRetry(earlier, extra) when requests.Count > 0 ->
            let tenant, proposed, condition = requests[earlier % requests.Count]
            append (tenant, Array.append proposed [| propose extra |], condition)
        | Retry _
        | PartialRetry _ -> ()
        | Read(tenant, query) ->
            expectEqual $"read {query}" (shapes (Specification.select query (model.Log tenant))) (shapes (run (fun ct -> store.Read(tenant, query, ct))))
        | ReadStream(tenant, stream, after, direction, limit) ->
            let read = { StreamRead.Forward stream with After = after; Direction = direction; Limit = limit }
            expectEqual $"read stream {stream}" (shapes (model.ReadStream(tenant, stream, after, direction, limit))) (shapes (run (fun ct -> store.ReadStream(tenant, read, ct))))
        | Delete(tenant, stream, expected) ->
            let log = model.Log tenant
            let version = Specification.versionOf stream log
            let verdict = Specification.verdict (List.ofSeq log) (model.DeletedUpTo tenant) (AppendCondition.StreamVersion(stream, expected))
            match verdict, run (fun ct -> store.DeleteStream(tenant, stream, expected, ct)) with
            | Ok(), DeleteResult.StreamDeleted upTo ->
                expectEqual "deleted up to" version upTo
                if version > 0L then model.Delete(tenant, stream, version)
            | Error kind, DeleteResult.DeleteFailed failure -> expectEqual "delete failure kind" kind failure.Kind
            | _, actual -> fail $"delete {stream} expecting {expected}: model says %A{verdict}, store answered %A{actual}"
        // Invariants: each tenant's log is the model's, gapless from 1, with its head; tenants are listed when written.
        for tenant in tenants do
            let all = run (fun ct -> store.Read(tenant, EventQuery.All, ct))
            expectEqual $"log of {tenant}" (shapes (model.Log tenant)) (shapes all)
            expectEqual $"positions of {tenant}" [ 1L .. int64 all.Length ] (all |> Array.map (fun e -> e.Position) |> List.ofArray)
            expectEqual $"head of {tenant}" (int64 all.Length) (run (fun ct -> store.GetHead(tenant, ct)))
            for stream in streams do
                let state = run (fun ct -> store.GetStreamState(tenant, stream, ct))
                expectEqual $"version of {tenant}/{stream}" (Specification.versionOf stream all) state.Version
                expectEqual $"tombstone of {tenant}/{stream}" (model.DeletedUpTo tenant stream) state.DeletedUpTo
        expectEqual "tenants" model.Tenants (run (fun ct -> store.GetTenants ct) |> List.ofArray)

[<Property>]
let ``the in-memory store behaves as the list model over random scenarios`` () = Prop.forAll scenarios runScenario

[<Property>]
let ``a rejected append writes nothing`` () =
    Prop.forAll scenarios (fun ops ->
        let store = InMemoryEventStore()
        let mutable nextId = 0
        for op in ops do
            match op with
            | Append(tenant, events, condition) ->
                let before = run (fun ct -> store.Read(tenant, EventQuery.All, ct))
                let proposed = events |> List.map (fun d -> nextId <- nextId + 1; { Id = idOf nextId; Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
                match run (fun ct -> store.Append({ AppendRequest.Of(tenant, proposed) with Condition = condition }, ct)) with
                | AppendResult.ConditionFailed _ -> expectEqual "log after a rejected append" (shapes before) (shapes (run (fun ct -> store.Read(tenant, EventQuery.All, ct))))
                | AppendResult.Appended written -> expectEqual "positions written" [ int64 before.Length + 1L .. int64 (before.Length + proposed.Length) ] (written |> Array.map (fun e -> e.Position) |> List.ofArray)
            | _ -> ())

[<Property>]
let ``re-appending any earlier append changes nothing and returns what was stored`` () =
    Prop.forAll scenarios (fun ops ->
        let store = InMemoryEventStore()
        let mutable nextId = 0
        let written = ResizeArray<TenantId * ProposedEvent[] * RecordedEvent[]>()
        for op in ops do
            match op with
            | Append(tenant, events, condition) ->
                let proposed = events |> List.map (fun d -> nextId <- nextId + 1; { Id = idOf nextId; Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
                match run (fun ct -> store.Append({ AppendRequest.Of(tenant, proposed) with Condition = condition }, ct)) with
                | AppendResult.Appended stored -> written.Add((tenant, proposed, stored))
                | AppendResult.ConditionFailed _ -> ()
            | _ -> ()
        let heads = tenants |> List.map (fun t -> run (fun ct -> store.GetHead(t, ct)))
        for tenant, proposed, stored in written do
            match run (fun ct -> store.Append(AppendRequest.Of(tenant, Array.rev proposed), ct)) with
            | AppendResult.Appended again -> expectEqual "envelopes of a repeat" (shapes stored) (shapes again)
            | failed -> fail $"a repeat failed: %A{failed}"
        expectEqual "heads after repeats" heads (tenants |> List.map (fun t -> run (fun ct -> store.GetHead(t, ct)))))

/// The scenario's appends and deletes applied to a fresh store, outcomes aside.
let private replay (ops: Op list) =
    let store = InMemoryEventStore()
    let mutable nextId = 0
    for op in ops do
        match op with
        | Append(tenant, events, condition) ->
            let proposed = events |> List.map (fun d -> nextId <- nextId + 1; { Id = idOf nextId; Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
            run (fun ct -> store.Append({ AppendRequest.Of(tenant, proposed) with Condition = condition }, ct)) |> ignore
        | Delete(tenant, stream, expected) -> run (fun ct -> store.DeleteStream(tenant, stream, expected, ct)) |> ignore
        | _ -> ()
    store

[<Property>]
let ``a subscription delivers what a forward read selects then is caught up at the head`` () =
    let scenario =
        Gen.zip3 (Gen.sized (fun size -> Gen.choose (1, max 1 (min 40 size)) |> Gen.bind (fun n -> Gen.listOfLength n genOp))) (genQuery 40) (Gen.elements tenants)
    Prop.forAll (Arb.fromGen scenario) (fun (ops, query, tenant) ->
        let store = replay ops
        let log = run (fun ct -> store.Read(tenant, EventQuery.All, ct))
        // Subscriptions ignore Before, Direction and Limit: the generated ones must make no difference.
        let expected = Specification.select { query with Before = System.Int64.MaxValue; Direction = Direction.Forward; Limit = 0 } log
        use timeout = new CancellationTokenSource(System.TimeSpan.FromSeconds 10.)
        let messages = store.Subscribe(tenant, query, timeout.Token).GetAsyncEnumerator(timeout.Token)
        let delivered = ResizeArray<RecordedEvent>()
        let mutable caughtUpAt = None
        while caughtUpAt.IsNone do
            if not (messages.MoveNextAsync().AsTask().GetAwaiter().GetResult()) then fail "the subscription ended before catching up"
            match messages.Current with
            | SubscriptionMessage.Event e -> delivered.Add e
            | SubscriptionMessage.CaughtUp position -> caughtUpAt <- Some position
        messages.DisposeAsync().AsTask().GetAwaiter().GetResult()
        expectEqual "delivered events" (shapes expected) (shapes delivered)
        if caughtUpAt.Value < int64 log.Length then fail $"caught up at {caughtUpAt.Value}, below the head {log.Length}")
