// Todo processors: pure handlers that turn each event of their topics into emitted events, an effect intent or
// nothing, in order, per tenant. The shell runs them under leases and checkpoints (Shell.CSharp/Processors).
namespace Hybrid

open System
open System.Security.Cryptography
open System.Text

/// When an effect's checkpoint is written, which fixes its delivery guarantee.
type CheckpointTiming =
    /// The checkpoint is written before the effect runs: a crash after it skips the effect (at most once).
    | Before = 0
    /// The checkpoint is written after the effect ran: a crash before it re-runs the effect (at least once).
    | After = 1

/// An effect as data: the kind selects the effect handler registered in the host, the payload is its input.
type EffectIntent =
    { Kind: string
      Payload: obj }

    /// An intent of a kind with a payload.
    static member Of(kind: string, payload: obj) = { Kind = kind; Payload = payload }

/// An effect whose outcome is recorded: events appended when it succeeded, compensating events when its attempts ran
/// out. Both are appended exactly once (their ids derive from the source event), fenced by the processor's lease.
type EffectPlan =
    { Intent: EffectIntent
      /// Before: at most once; the success events are appended after the effect, so a crash between the two loses
      /// them. After: at least once; the success events commit atomically with the checkpoint.
      Checkpoint: CheckpointTiming
      /// Appended when the effect succeeded.
      OnSuccess: EventData list
      /// Appended (instead of a dead letter) when the effect failed its last attempt; none: the event is dead-lettered.
      OnFailure: EventData list }

/// What a processor's handler decides for one event. Cases are qualified (ProcessorResult.Emit …) so they never
/// clash with other unions' Emit/Effect/NoOp cases.
[<RequireQualifiedAccess>]
type ProcessorResult =
    /// Append these events; they commit atomically with the checkpoint, so they exist exactly once.
    | Emit of EventData list
    /// Run an effect, with the checkpoint before (at most once) or after (at least once) it.
    | Effect of intent: EffectIntent * checkpoint: CheckpointTiming
    /// Run an effect and record its outcome with events: success events, or compensating events on final failure.
    | EffectThen of plan: EffectPlan
    /// Nothing to do: only the checkpoint moves, in batches.
    | NoOp

    /// Emits the events (NoOp when there are none).
    static member Emitting([<ParamArray>] events: EventData[]) = if events.Length = 0 then ProcessorResult.NoOp else ProcessorResult.Emit(List.ofArray events)

    /// An effect run at most once: checkpoint first.
    static member AtMostOnce(intent: EffectIntent) = ProcessorResult.Effect(intent, CheckpointTiming.Before)

    /// An effect run at least once: checkpoint after it succeeded.
    static member AtLeastOnce(intent: EffectIntent) = ProcessorResult.Effect(intent, CheckpointTiming.After)

    /// An effect with the events recording its success, and the compensating events for its final failure.
    static member Then(intent: EffectIntent, checkpoint: CheckpointTiming, onSuccess: EventData[], onFailure: EventData[]) =
        ProcessorResult.EffectThen
            { Intent = intent; Checkpoint = checkpoint; OnSuccess = List.ofArray onSuccess; OnFailure = List.ofArray onFailure }

/// What a processor reads before it decides (the lookup of lookup → decide → write); each lookup has a name the
/// handler finds its result by.
[<RequireQualifiedAccess>]
type ProcessorLookup =
    /// Events matching the query, read up to the tenant's head when the event is handled.
    | Events of name: string * query: EventQuery
    /// A read model's view, folded at least up to the handled event.
    | View of name: string * view: ViewRef
    /// A registered query, run for the caller "processor:<name>" of the tenant (the query's authorization decides).
    | Query of name: string * query: string * request: obj

    /// The name the handler finds the result by.
    member l.Name =
        match l with
        | Events(name, _)
        | View(name, _)
        | Query(name, _, _) -> name

/// What the shell read for a processor's lookups, by lookup name.
type ProcessorReads =
    { Events: Map<string, RecordedEvent[]>
      Views: Map<string, ReadModelView>
      Answers: Map<string, QueryOutcome> }

    /// Nothing read.
    static member Empty = { Events = Map.empty; Views = Map.empty; Answers = Map.empty }

    /// The events of an event lookup (empty when there was no such lookup).
    member r.EventsOf(name: string) =
        match r.Events.TryFind name with
        | Some events -> events
        | None -> [||]

    /// The view of a view lookup; throws a KeyNotFoundException naming it when there was none.
    member r.ViewOf(name: string) =
        match r.Views.TryFind name with
        | Some view -> view
        | None -> raise (Collections.Generic.KeyNotFoundException $"No view lookup is named '{name}'.")

    /// The outcome of a query lookup; throws a KeyNotFoundException naming it when there was none.
    member r.AnswerOf(name: string) =
        match r.Answers.TryFind name with
        | Some answer -> answer
        | None -> raise (Collections.Generic.KeyNotFoundException $"No query lookup is named '{name}'.")

/// What a handler knows besides the event: its tenant, its name and what its lookups read.
type ProcessorContext =
    { Tenant: TenantId
      Processor: string
      Reads: ProcessorReads }

    /// The context of a processor without lookups.
    static member Of(tenant: TenantId, processor: string) = { Tenant = tenant; Processor = processor; Reads = ProcessorReads.Empty }

/// How a processor's work is split into leases.
type Sharding =
    /// One lease per (processor, tenant).
    | PerTenant
    /// A fixed number of leases per processor; a tenant belongs to the shard of its stable hash. Never change the
    /// count of a running processor: fencing tokens of different shards are not comparable.
    | Shards of count: int

/// A todo processor: a name, topics (any of the query items: event types, optionally with tags), what it looks up
/// before deciding, and a pure handler.
type TodoProcessor =
    { Name: string
      Topics: QueryItem[]
      /// What to read before the handler runs (none for most processors); the results are in the context's Reads.
      Lookup: ProcessorContext -> RecordedEvent -> ProcessorLookup list
      Handle: ProcessorContext -> RecordedEvent -> ProcessorResult
      Retry: RetryPolicy
      Sharding: Sharding }

    /// A processor over events of these types, with default retries, one lease per tenant, no lookup.
    static member Create(name: string, topics: QueryItem[], handle: Func<ProcessorContext, RecordedEvent, ProcessorResult>) =
        { Name = name
          Topics = topics
          Lookup = (fun _ _ -> [])
          Handle = (fun c e -> handle.Invoke(c, e))
          Retry = RetryPolicy.Default
          Sharding = PerTenant }

    /// The same processor, reading these lookups before each event is handled.
    member p.WithLookup(lookup: Func<ProcessorContext, RecordedEvent, ProcessorLookup[]>) =
        { p with Lookup = fun c e -> List.ofArray (lookup.Invoke(c, e)) }

    /// The same processor with another handler (lookups, retries and sharding kept).
    member p.WithHandler(handle: Func<ProcessorContext, RecordedEvent, ProcessorResult>) =
        { p with Handle = fun c e -> handle.Invoke(c, e) }

    /// The same processor with another retry policy.
    member p.WithRetry(retry: RetryPolicy) = { p with Retry = retry }

    /// The same processor with another lease split.
    member p.WithSharding(sharding: Sharding) = { p with Sharding = sharding }

/// The pure parts of running a processor.
module TodoProcessor =

    /// Problems with a definition, empty when it can run.
    let problems (p: TodoProcessor) =
        [ match Validation.processor "name" p.Name with
          | Error e -> e.Message
          | Ok() -> ()
          if isNull p.Topics || p.Topics.Length = 0 then $"Processor '{p.Name}' has no topics."
          if obj.ReferenceEquals(p.Handle, null) then $"Processor '{p.Name}' has no handler."
          if obj.ReferenceEquals(p.Lookup, null) then $"Processor '{p.Name}' has no lookup function (use one returning no lookups)."
          match p.Sharding with
          | Shards n when n < 1 -> $"Processor '{p.Name}' has {n} shards; use 1 or more."
          | _ -> ()
          yield! RetryPolicy.problems p.Retry |> List.map (fun m -> $"Processor '{p.Name}': {m}") ]

    /// The events the processor reads after a position.
    let query (p: TodoProcessor) (after: Position) = { EventQuery.All with Items = p.Topics; After = after }

    /// A tenant's shard: a stable FNV-1a hash of the tenant id, so every node and run agrees.
    let shardOf (shards: int) (tenant: TenantId) =
        let mutable hash = 2166136261u
        for c in tenant do
            hash <- (hash ^^^ uint32 c) * 16777619u
        int (hash % uint32 (max 1 shards))

    /// The lease resources of a processor given the tenants: one per tenant, or one per shard.
    let leaseResources (p: TodoProcessor) (tenants: TenantId seq) =
        match p.Sharding with
        | PerTenant -> tenants |> Seq.map (fun t -> $"processor/{p.Name}/tenant:{t}") |> Array.ofSeq
        | Shards n -> Array.init n (fun k -> $"processor/{p.Name}/shard:{k}")

    /// The prefix shared by a processor's lease resources.
    let leasePrefix (p: TodoProcessor) = $"processor/{p.Name}/"

    /// The prefix of every processor's lease resources.
    let allLeasesPrefix = "processor/"

    /// The tenants a lease resource covers, among the known tenants.
    let tenantsOf (p: TodoProcessor) (resource: string) (tenants: TenantId seq) =
        let unit = resource.Substring((leasePrefix p).Length)
        match p.Sharding with
        | PerTenant when unit.StartsWith "tenant:" -> [| unit.Substring 7 |]
        | Shards n when unit.StartsWith "shard:" ->
            let k = int (unit.Substring 6)
            tenants |> Seq.filter (fun t -> shardOf n t = k) |> Array.ofSeq
        | _ -> [||]

    /// The id of the index-th event emitted under a salt for a source event: UUIDv7-shaped (the source's timestamp,
    /// then a SHA-256 of processor, source id, salt and index), so emitting again for the same source event (a replay,
    /// a rebuild, a repeated append) is an idempotent repeat rather than a duplicate. The salt tells apart what one
    /// source event may cause: the parts of an upcast split, an effect's success and failure events.
    let emittedIdSalted (processor: string) (source: RecordedEvent) (salt: string) (index: int) =
        let text =
            if String.IsNullOrEmpty salt then $"{processor}\n{source.Tenant}\n{source.Id:N}\n{index}"
            else $"{processor}\n{source.Tenant}\n{source.Id:N}\n{salt}\n{index}"
        let hash = SHA256.HashData(Encoding.UTF8.GetBytes text)
        let bytes = Array.copy hash.[0..15]
        let millis = uint64 (max 0L (source.Timestamp.ToUnixTimeMilliseconds()))
        for i in 0..5 do
            bytes.[i] <- byte (millis >>> (8 * (5 - i)))
        bytes.[6] <- 0x70uy ||| (bytes.[6] &&& 0x0Fuy)
        bytes.[8] <- 0x80uy ||| (bytes.[8] &&& 0x3Fuy)
        Guid(ReadOnlySpan bytes, true)

    /// The id of the index-th event emitted for a source event (no salt).
    let emittedId (processor: string) (source: RecordedEvent) (index: int) = emittedIdSalted processor source "" index

    /// The salt of what a source event's part causes: "" for a whole event's emits, "part<k>" for a split's later parts,
    /// then "/success" or "/failure" for an effect's outcome events.
    let salt (part: int) (outcome: string) =
        let prefix = if part = 0 then "" else $"part{part}"
        if String.IsNullOrEmpty outcome then prefix elif prefix = "" then outcome else $"{prefix}/{outcome}"

    /// The metadata of events emitted for a source event: caused by it, in its correlation, its trace (the shell
    /// replaces the trace with the handler's own span when it traces) and carrying its user-defined fields.
    let emittedMetadata (processor: string) (source: RecordedEvent) =
        let correlation =
            if String.IsNullOrEmpty source.Metadata.CorrelationId then source.Id.ToString() else source.Metadata.CorrelationId
        { source.Metadata with CausationId = source.Id.ToString(); CorrelationId = correlation; Actor = $"processor:{processor}" }

    /// The proposed events caused by a source event under a salt, with the metadata given (see emittedMetadata).
    let proposalsSaltedWith (metadata: EventMetadata) (processor: string) (source: RecordedEvent) (salt: string) (events: EventData list) =
        events |> List.mapi (fun i d -> { Id = emittedIdSalted processor source salt i; Data = d; Metadata = metadata }) |> Array.ofList

    /// The proposed events caused by a source event under a salt.
    let proposalsSalted (processor: string) (source: RecordedEvent) (salt: string) (events: EventData list) =
        proposalsSaltedWith (emittedMetadata processor source) processor source salt events

    /// The proposed events for an Emit result.
    let proposals (processor: string) (source: RecordedEvent) (events: EventData list) = proposalsSalted processor source "" events
