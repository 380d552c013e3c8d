// Model-based properties of the read-model engine: whatever the layout and whatever interleaving of appends, purges,
// reads, write-backs, cache clears, restarts, crashes and lost or damaged L2 caches, a read returns exactly the
// plain fold of the tenant's log at the position it reports.
module Hybrid.Tests.Properties.ReadModelProperties

open System
open System.Threading
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Microsoft.Extensions.Time.Testing
open Hybrid
open Hybrid.InMemory.EventStore
open Hybrid.InMemory.ReadModels
open Hybrid.Shell.ReadModels
open Hybrid.Tests.TestDomain.ReadModels
open Hybrid.Tests.TestDomain.ReadModels.CounterEvents

type Op =
    | Append of tenant: string * events: CounterEvent list
    | Read of tenant: string * model: int * scope: string
    | Flush
    | ClearMemory
    | Tick
    | Restart
    | Crash
    | LoseL2
    | DamageL2
    | Purge of tenant: string * pick: int

let private tenants = [ "t1"; "t2" ]
let private keys = [ "a"; "b"; "c"; "d" ]
let private groups = [ "x"; "y"; "z" ]

let private genEvent =
    Gen.oneof
        [ Gen.map3 (fun k a g -> Counted(k, a, g)) (Gen.elements keys) (Gen.choose (-3, 9)) (Gen.elements groups)
          Gen.map2 (fun k g -> Moved(k, g)) (Gen.elements keys) (Gen.elements groups)
          Gen.map Removed (Gen.elements keys) ]

/// Beside the counter models: a model that reads the purge audit type itself (how many purges the tenant had).
let private purgeAudits =
    ReadModel.ofRecorded "purge-audits" 1 [ Purging.AuditType ] 0 (fun n _ -> n + 1)

/// The models the engine runs: the counter models, then purgeAudits.
let private models = CounterModels.all @ [ purgeAudits ]

/// The scopes a read of each model (by index in models) may use.
let private scopesOf model =
    match model with
    | 0 -> [ "" ]
    | 6 -> [ "" ]
    | 1 -> "" :: keys
    | 2 -> "" :: ReadModel.ManifestSelector :: groups
    | 3 -> keys
    | _ -> groups

let private genRead =
    gen {
        let! tenant = Gen.elements tenants
        let! model = Gen.choose (0, models.Length - 1)
        let! scope = Gen.elements (scopesOf model)
        return Read(tenant, model, scope)
    }

let private genOp =
    Gen.frequency
        [ 6, Gen.map2 (fun t es -> Append(t, es)) (Gen.elements tenants) (Gen.nonEmptyListOf genEvent |> Gen.map (List.truncate 4))
          8, genRead
          1, Gen.constant Flush
          1, Gen.constant ClearMemory
          1, Gen.constant Tick
          1, Gen.constant Restart
          1, Gen.constant Crash
          1, Gen.constant LoseL2
          1, Gen.constant DamageL2
          1, Gen.map2 (fun t p -> Purge(t, p)) (Gen.elements tenants) (Gen.choose (0, 1000)) ]

type Scenario =
    { Ops: Op list
      WriteBackAfterEvents: int
      BatchSize: int
      Capacity: int }

let private genScenario =
    gen {
        let! ops = Gen.listOf genOp |> Gen.map (List.truncate 60)
        let! writeBack = Gen.choose (1, 6)
        let! batch = Gen.choose (1, 5)
        let! capacity = Gen.choose (3, 5)
        // Always end by reading every model, so each scenario checks something.
        let finalReads =
            [ for t in tenants do
                  for m in 0 .. models.Length - 1 do
                      for s in scopesOf m -> Read(t, m, s) ]
        return { Ops = ops @ finalReads; WriteBackAfterEvents = writeBack; BatchSize = batch; Capacity = capacity }
    }

/// The answer of the reference fold for a read of a model (by index) and scope.
/// The events as tenant "t"'s log from position 1, with no stream.
let private recordedOf events =
    events
    |> List.mapi (fun i e ->
        let d = toData e
        { Id = Guid.Empty; Tenant = "t"; Position = int64 (i + 1); Stream = null; StreamVersion = 0L
          Type = d.Type; Tags = d.Tags; Content = EventBody.OfText d.Body; SchemaVersion = 1; Metadata = EventMetadata.Empty
          Timestamp = DateTimeOffset.UnixEpoch })

let expected (model: int) (scope: string) (log: RecordedEvent[]) : obj =
    match model, scope with
    | 0, _ -> box (CounterModels.Reference.summary log)
    | 1, "" -> box (CounterModels.Reference.counters log)
    | 1, key -> box (CounterModels.Reference.counters log |> Map.filter (fun k _ -> k = key))
    | 2, "" -> box (CounterModels.Reference.counters log)
    | 2, s when s = ReadModel.ManifestSelector -> box (CounterModels.Reference.manifest log)
    | 2, group -> box (CounterModels.Reference.partition group log)
    | 3, key -> box (CounterModels.Reference.totalByTag key log)
    | 4, group -> box (CounterModels.Reference.eventsByGroup group log)
    | 6, _ -> box (log |> Array.filter (fun e -> e.Type = Purging.AuditType) |> Array.length)
    | _, group -> box (CounterModels.Reference.keysByGroupTag group log)

let private run (scenario: Scenario) =
    let ct = CancellationToken.None
    let clock = FakeTimeProvider(DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    let log = InMemoryEventStore(clock)
    let l2 = InMemoryReadModelStore()
    let options =
        ReadModelEngineOptions(
            WriteBackAfterEvents = scenario.WriteBackAfterEvents,
            ReadBatchSize = scenario.BatchSize,
            MemoryCapacity = scenario.Capacity,
            WriteBackAfter = TimeSpan.FromSeconds 1.0)
    let start () = new ReadModelEngine(log, models, l2, options, clock)
    let mutable engine = start ()
    let mutable ids = 0
    let failures = ResizeArray<string>()
    for op in scenario.Ops do
        match op with
        | Append(tenant, events) ->
            let proposed =
                events
                |> List.map (fun e ->
                    ids <- ids + 1
                    { Id = Guid(ids, 0s, 0s, Array.zeroCreate 8); Data = toData e; Metadata = EventMetadata.Empty })
            log.Append(AppendRequest.Of(tenant, Array.ofList proposed), ct).Result |> ignore
        | Read(tenant, model, scope) ->
            let view = engine.Read(tenant, models.[model].Name, scope, ct).Result
            let head = log.GetHead(tenant, ct).Result
            let tenantLog = log.Read(tenant, EventQuery.All, ct).Result
            let want = expected model scope tenantLog
            let plain = ReadModel.plainRead models.[model] scope tenantLog
            if view.Position <> head then failures.Add $"{op}: position {view.Position}, head {head}"
            if not (view.State.Equals want) then failures.Add $"{op}: got {view.State}, expected {want}"
            if not (plain.Equals want) then failures.Add $"{op}: the plain fold gave {plain}, expected {want}"
        | Flush -> engine.FlushAsync().Wait()
        | ClearMemory -> engine.ClearMemoryCache()
        | Tick -> clock.Advance(TimeSpan.FromSeconds 1.0)
        | Restart ->
            engine.DisposeAsync().AsTask().Wait()
            engine <- start ()
        | Crash ->
            engine.Abandon()
            engine <- start ()
        | LoseL2 -> l2.Lose()
        | DamageL2 -> l2.Damage()
        | Purge(tenant, pick) ->
            // One event of the tenant's log (an audit event or a placeholder is refused or changes nothing).
            let head = log.GetHead(tenant, ct).Result
            if head > 0L then
                let target = PurgeTarget.EventsAt [| 1L + int64 pick % head |]
                ids <- ids + 1
                let request = { Tenant = tenant; Target = target; Reason = "property"; AuditId = Guid(ids, 1s, 0s, Array.zeroCreate 8); Metadata = EventMetadata.Empty }
                (log :> IEventPurger).Purge(request, ct).Result |> ignore
    engine.DisposeAsync().AsTask().Wait()
    failures |> List.ofSeq

[<Property(MaxTest = 60)>]
let ``every layout and scope reads as the plain fold of the log, whatever interleaving of cache operations`` () =
    Prop.forAll (Arb.fromGen genScenario) (fun scenario ->
        let failures = run scenario
        (failures |> List.isEmpty) |> Prop.label (String.Join("\n", failures |> List.truncate 3)))

[<Property(MaxTest = 100)>]
let ``a partitioned model holds each entity in exactly the partition of its state, and the manifest counts them`` () =
    Prop.forAll (Arb.fromGen (Gen.listOf genEvent)) (fun events ->
        let recorded = recordedOf events
        let model = CounterModels.partitioned
        let struct (pieces, _) = ReadModel.foldPieces model model.Initial recorded
        let partitions =
            pieces
            |> Map.filter (fun k _ -> k.StartsWith "partition/")
            |> Map.map (fun _ v -> v :?> Map<string, CounterModels.Counter>)
        let counters = CounterModels.Reference.counters recorded
        let placedOnce =
            counters
            |> Map.forall (fun key c ->
                partitions |> Map.filter (fun _ p -> p.ContainsKey key) |> Map.toList = [ ReadModelRouting.partitionName c.Group, partitions.[ReadModelRouting.partitionName c.Group] ])
        let noStrays = partitions |> Map.forall (fun _ p -> p |> Map.forall (fun key _ -> counters.ContainsKey key))
        let noEmpty = partitions |> Map.forall (fun _ p -> not p.IsEmpty)
        let manifest = model.View ReadModel.ManifestSelector pieces :?> Map<string, int>
        placedOnce && noStrays && noEmpty && manifest = CounterModels.Reference.manifest recorded)

[<Property>]
let ``segment routing is stable and within range`` (key: NonNull<string>) (segments: PositiveInt) =
    let n = min segments.Get 65536
    let s = ReadModelRouting.segmentOf n key.Get
    s >= 0 && s < n && s = ReadModelRouting.segmentOf n (String(key.Get.ToCharArray()))

[<Property(MaxTest = 100)>]
let ``a segmented fold changes only the segment of the event's key`` () =
    Prop.forAll (Arb.fromGen (Gen.nonEmptyListOf genEvent)) (fun events ->
        let model = CounterModels.segmented
        let recorded = recordedOf events
        let struct (before, _) = ReadModel.foldPieces model model.Initial (List.take (recorded.Length - 1) recorded)
        let last = List.last recorded
        let struct (after, changed) = model.Step before last
        let expectedSegment = ReadModelRouting.segmentName (ReadModelRouting.segmentOf 16 (keyOf (List.last events)))
        changed = [ expectedSegment ]
        && (Set.union (set before.Keys) (set after.Keys))
           |> Set.forall (fun k -> k = expectedSegment || obj.Equals(before.TryFind k, after.TryFind k)))

[<Property(MaxTest = 100)>]
let ``stepping a run of events gives the pieces and changed names of stepping each in turn`` () =
    let genCase = Gen.zip (Gen.listOf genEvent) (Gen.choose (1, 5))
    Prop.forAll (Arb.fromGen genCase) (fun (events, runLength) ->
        let recorded = recordedOf events |> Array.ofList
        CounterModels.all
        |> List.forall (fun model ->
            let struct (stepped, changed) = ReadModel.foldPieces model model.Initial recorded
            let mutable pieces = model.Initial
            let runChanged = Collections.Generic.HashSet<string>(StringComparer.Ordinal)
            for run in Array.chunkBySize runLength recorded do
                let struct (next, names) = model.StepRun pieces (ArraySegment run)
                pieces <- next
                for n in names do runChanged.Add n |> ignore
            pieces = stepped && runChanged.SetEquals changed))
