// The laws a domain's definitions must keep, each one call taking a definition and its generators and giving a Law
// to verify (Law.verify) or report on (Law.run). A definition that throws fails its law, named in the report.
namespace Hybrid.Testing

open System
open System.Threading
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.InMemory.EventStore
open Hybrid.InMemory.Leases
open Hybrid.InMemory.Processors
open Hybrid.InMemory.ReadModels
open Hybrid.InMemory.Time
open Hybrid.Shell.Processors
open Hybrid.Shell.ReadModels
open Microsoft.Extensions.Logging.Abstractions

/// The laws of domain definitions.
module Laws =

    let private arb (gen: Gen<'T>) = Arb.fromGen gen

    /// The truth, labelled with what went wrong when it is false.
    let inline private (|@) (truth: bool) (label: string) = Prop.label (if truth then "" else label) truth

    let private sync (task: Tasks.Task<'T>) = task.GetAwaiter().GetResult()

    let private none = CancellationToken.None

    /// decide is total for the contexts: any command against any state, decided by any of the callers at any instant
    /// they carry, gives a value (events or a rejection), never an exception. Give it Generators.decisionContextsOf
    /// (Generators.callerIn tenant actors roles) when the decision looks at the caller's roles.
    let decideIsTotalIn (contexts: Gen<DecisionContext>) (name: string) (decider: Decider<'C, 'E, 'S>) (states: Gen<'S>) (commands: Gen<'C>) =
        Prop.forAll (arb (Gen.zip3 contexts states commands)) (fun (context, state, command) ->
            match decider.Decide context command state with
            | Ok _
            | Error _ -> true)
        |> Law.create "decide is total" $"decider '{name}'"

    /// decide is total: any command against any state gives a value (events or a rejection), never an exception
    /// (callers without roles; decideIsTotalIn for others).
    let decideIsTotal (name: string) (decider: Decider<'C, 'E, 'S>) (states: Gen<'S>) (commands: Gen<'C>) =
        decideIsTotalIn Generators.decisionContexts name decider states commands

    /// Deciding twice from the same state gives the same result: decide depends on the context, the command and the
    /// state alone.
    let decideIsDeterministic (name: string) (decider: Decider<'C, 'E, 'S>) (states: Gen<'S>) (commands: Gen<'C>) =
        Prop.forAll (arb (Gen.zip3 Generators.decisionContexts states commands)) (fun (context, state, command) ->
            let first = decider.Decide context command state
            let second = decider.Decide context command state
            first = second |@ $"The first decision was {Rendering.value first}, the second {Rendering.value second}.")
        |> Law.create "deciding twice from the same state gives the same result" $"decider '{name}'"

    /// Lists shrunk by dropping one element at a time (a shorter run of commands first).
    let private dropOne (items: 'T list) =
        Seq.init items.Length (fun i -> List.removeAt i items)

    /// Runs the commands one after another from the initial state (a rejected command changes nothing): each step's
    /// command, the state it decided against and its decision, and the final state.
    let private runAll (decider: Decider<'C, 'E, 'S>) (steps: (DecisionContext * 'C) list) =
        steps
        |> List.fold (fun (state, trace) (context, command) ->
            let decision = decider.Decide context command state
            let next = match decision with Ok events -> Folding.fold decider.Evolve state events | Error _ -> state
            next, (command, decision) :: trace) (decider.Initial, [])
        |> fun (state, trace) -> state, List.rev trace

    /// The decider keeps a rule of its states: after any sequence of commands (each decided against the state the
    /// earlier ones built, rejected ones writing nothing), the state satisfies the invariant. A failure shows the
    /// sequence shrunk to the fewest commands that still break the rule, and what each one decided.
    let keepsInvariant (name: string) (invariant: string) (decider: Decider<'C, 'E, 'S>) (commands: Gen<'C>) (holds: 'S -> bool) =
        let steps = Gen.listOf (Gen.zip Generators.decisionContexts commands)
        Prop.forAll (Arb.fromGenShrink (steps, dropOne)) (fun steps ->
            let state, trace = runAll decider steps
            let shown = trace |> List.map (fun (c, d) -> $"  {Rendering.value c}\n    -> {Rendering.value d}") |> String.concat "\n"
            holds state |@ $"After the commands\n{shown}\nthe state {Rendering.value state} breaks '{invariant}'.")
        |> Law.create $"the state keeps '{invariant}'" $"decider '{name}'"

    /// Deciding again is safe: after a command's events are folded in, deciding the same command again writes nothing
    /// (no events, or a rejection), so a re-sent command never acts twice. Give it the commands meant to be idempotent.
    let decideIsIdempotent (name: string) (decider: Decider<'C, 'E, 'S>) (states: Gen<'S>) (commands: Gen<'C>) =
        Prop.forAll (arb (Gen.zip3 Generators.decisionContexts states commands)) (fun (context, state, command) ->
            match decider.Decide context command state with
            | Error _ -> true |@ ""
            | Ok events ->
                let after = Folding.fold decider.Evolve state events
                match decider.Decide context command after with
                | Ok [] | Error _ -> true |@ ""
                | Ok again -> false |@ $"Decided again after its events {Rendering.value events}, it wrote {Rendering.value again} more.")
        |> Law.create "deciding the same command again writes nothing" $"decider '{name}'"

    /// Events encode and decode to themselves: decoding a recorded, encoded event gives the event back.
    let codecRoundTrips (name: string) (codec: EventCodec<'E>) (events: Gen<'E>) =
        Prop.forAll (arb events) (fun event ->
            let data = codec.Encode event
            let recorded = (History.record "tenant-1" [ data ]).[0]
            let decoded = codec.Decode recorded
            decoded = Some event
            |@ $"Encoded as {Rendering.events [ data ]} it decodes to {Rendering.value decoded}.")
        |> Law.create "events encode and decode to themselves" $"codec '{name}'"

    /// Old event versions upcast to what the current decoder accepts: every generated old event, after the upcaster
    /// chain, decodes to Some.
    let upcastsToCurrent (name: string) (upcasters: Upcaster list) (decode: RecordedEvent -> 'E option) (oldEvents: Gen<EventData>) =
        let upcastAll = Upcasting.chain upcasters
        Prop.forAll (arb oldEvents) (fun old ->
            let recorded = (History.record "tenant-1" [ old ]).[0]
            let current = upcastAll recorded
            (decode current).IsSome
            |@ $"{Rendering.events [ old ]} upcasts to {Rendering.events [ current.Data ]}, which the decoder does not accept.")
        |> Law.create "old event versions upcast to what the current decoder accepts" $"upcasters of '{name}'"

    /// Folds the events through the engine in batches (an L2 cache in between, so states round-trip through the cache
    /// serializer), and returns the incremental view, a rebuild's view, and the plain fold's.
    let private engineViews (model: ReadModelDefinition) (scope: string) (batches: EventData list list) =
        let store = InMemoryEventStore()
        let cache = InMemoryReadModelStore()
        use engine = new ReadModelEngine(store, [ model ], cache, ReadModelEngineOptions(WriteBackAfterEvents = 1))
        let tenant = "tenant-1"
        let mutable incremental = None
        for batch in batches do
            if not batch.IsEmpty then
                let proposed = batch |> List.mapi (fun i d -> { Id = Guid.NewGuid(); Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
                sync (store.Append(AppendRequest.Of(tenant, proposed), none)) |> ignore
            incremental <- Some (sync (engine.Read(tenant, model.Name, scope, none))).State
            engine.FlushAsync(none).GetAwaiter().GetResult()
            engine.ClearMemoryCache()
        let last = (sync (engine.Read(tenant, model.Name, scope, none))).State
        let rebuilt = (sync (engine.Rebuild(tenant, model.Name, scope, none))).State
        let log = sync (store.Read(tenant, EventQuery.All, none))
        defaultArg incremental last, rebuilt, ReadModel.plainRead model scope log

    let private batchesOf (history: Gen<EventData list>) =
        gen {
            let! events = history
            let! cuts = Gen.listOfLength events.Length (Gen.elements [ false; false; true ])
            let batches =
                List.zip events cuts
                |> List.fold (fun (acc: EventData list list) (e, cut) ->
                    match acc with
                    | current :: rest when not cut -> (current @ [ e ]) :: rest
                    | _ -> [ e ] :: acc) []
                |> List.rev
            return batches
        }

    /// A read model rebuilt from scratch equals one built incrementally, in any batching, with its state going through
    /// the cache between batches; both equal the plain fold of the log.
    let rebuildEqualsIncremental (model: ReadModelDefinition) (history: Gen<EventData list>) =
        Prop.forAll (arb (batchesOf history)) (fun batches ->
            let incremental, rebuilt, plain = engineViews model "" batches
            (obj.Equals(incremental, rebuilt) && obj.Equals(rebuilt, plain))
            |@ $"Built incrementally: {Rendering.value incremental}\nRebuilt: {Rendering.value rebuilt}\nPlain fold: {Rendering.value plain}")
        |> Law.create "a read model rebuilt from scratch equals one built incrementally in any batching" $"read model '{model.Name}'"

    /// A segmented or partitioned model's whole view equals the monolithic reference model's view (the same entities,
    /// folded as one state), through the engine and as a plain fold.
    let layoutMatchesMonolithic (model: ReadModelDefinition) (reference: ReadModelDefinition) (history: Gen<EventData list>) =
        Prop.forAll (arb history) (fun events ->
            let _, viaEngine, plain = engineViews model "" [ events ]
            let log = History.record "tenant-1" events
            let expected = ReadModel.plainRead reference "" log
            (obj.Equals(viaEngine, expected) && obj.Equals(plain, expected))
            |@ $"The {model.Layout} layout gives {Rendering.value viaEngine}\nthe monolithic '{reference.Name}' gives {Rendering.value expected}")
        |> Law.create "a partitioned or segmented read model equals the monolithic fold" $"read model '{model.Name}'"

    /// Authorization denies by default: an anonymous caller gets nothing from any registered command or query. The
    /// requests name a command or query of the registry and carry its typed payload.
    let anonymousGetsNothing (registry: Registry) (requests: Gen<string * obj>) =
        let anonymous = { Tenant = "tenant-1"; Actor = ""; Roles = [||]; CorrelationId = "" }
        Prop.forAll (arb requests) (fun (name, payload) ->
            let verdict =
                match Registry.tryFind DefinitionKind.Command name registry, Registry.tryFind DefinitionKind.Query name registry with
                | Some d, _ -> Some("command", (d.Value :?> CommandDefinition).Check(anonymous, payload))
                | None, Some d -> Some("query", (d.Value :?> QueryDefinition).Check(anonymous, payload))
                | None, None -> None
            match verdict with
            | None -> false |@ $"'{name}' is neither a registered command nor a registered query."
            | Some(_, Authorization.Denied _) -> true |@ ""
            | Some(kind, Authorization.Allowed) -> false |@ $"The {kind} '{name}' allowed an anonymous caller.")
        |> Law.create "authorization denies by default (an anonymous caller gets nothing)" "registry"

    let private runProcessor (store: IEventStore) (processor: TodoProcessor) (tenant: TenantId) (effects: Collections.Concurrent.ConcurrentQueue<EffectIntent>) (kinds: string list) =
        let clock = VirtualClock(History.epoch)
        let handlers = kinds |> List.map (fun kind -> DelegateEffectHandler(kind, fun c _ -> effects.Enqueue c.Intent; Tasks.Task.CompletedTask) :> IEffectHandler)
        let options = ProcessorOptions(NodeId = "law", RunInBackground = false, JitterSource = (fun () -> 0.5))
        let runtime = ProcessorRuntime(store, InMemoryLeaseStore(clock), InMemoryDeadLetterStore(), EffectHandlers(handlers), clock, options, NullLogger.Instance)
        let host = new TodoProcessorHost(runtime, [ { processor with Sharding = PerTenant } ])
        host.Rebalance(none).GetAwaiter().GetResult()
        let mutable steps = 0
        while steps < 10_000 && sync (host.StepAsync(processor.Name, tenant, none)) do
            steps <- steps + 1
        host.DisposeAsync().AsTask().GetAwaiter().GetResult()

    /// Processors are idempotent under redelivery: handling an event twice gives the same result, and delivering the
    /// whole history again (the checkpoint reset) writes nothing new and runs the same effects again.
    let processorIsIdempotent (processor: TodoProcessor) (history: Gen<EventData list>) =
        Prop.forAll (arb history) (fun events ->
            let tenant = "tenant-1"
            let log = History.record tenant events
            let context = ProcessorContext.Of(tenant, processor.Name)
            let differing =
                log
                |> Array.filter (Simulation.Simulated.isTopic processor)
                |> Array.tryFind (fun e -> processor.Handle context e <> processor.Handle context e)
            match differing with
            | Some e -> false |@ $"Handling event {e.Position} ({e.Type}) twice gave different results."
            | None ->
                let kinds =
                    log
                    |> Array.filter (Simulation.Simulated.isTopic processor)
                    |> Array.choose (fun e -> match processor.Handle context e with ProcessorResult.Effect(i, _) -> Some i.Kind | _ -> None)
                    |> Array.distinct |> List.ofArray
                let store = InMemoryEventStore()
                if not events.IsEmpty then
                    let proposed = events |> List.map (fun d -> { Id = Guid.NewGuid(); Data = d; Metadata = EventMetadata.Empty }) |> Array.ofList
                    sync (store.Append(AppendRequest.Of(tenant, proposed), none)) |> ignore
                let first = Collections.Concurrent.ConcurrentQueue<EffectIntent>()
                runProcessor store processor tenant first kinds
                let once = sync (store.Read(tenant, EventQuery.All, none))
                store.ResetCheckpoint(tenant, processor.Name, 0L, none).GetAwaiter().GetResult()
                let second = Collections.Concurrent.ConcurrentQueue<EffectIntent>()
                runProcessor store processor tenant second kinds
                let twice = sync (store.Read(tenant, EventQuery.All, none))
                let extra = twice |> Array.skip once.Length |> Array.map (fun e -> e.Data) |> List.ofArray
                if not extra.IsEmpty then false |@ $"Redelivery wrote {extra.Length} more event(s):\n{Rendering.events extra}"
                else (List.ofSeq first = List.ofSeq second) |@ $"The effects differed on redelivery: {Rendering.value (List.ofSeq first)} then {Rendering.value (List.ofSeq second)}")
        |> Law.create "processors are idempotent under redelivery" $"processor '{processor.Name}'"
