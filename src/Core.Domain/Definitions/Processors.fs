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

/// What a processor's handler decides for one event. Cases are qualified (ProcessorResult.Emit …) so they never
/// clash with other unions' Emit/Effect/NoOp cases.
[<RequireQualifiedAccess>]
type ProcessorResult =
    /// Append these events; they commit atomically with the checkpoint, so they exist exactly once.
    | Emit of EventData list
    /// Run an effect, with the checkpoint before (at most once) or after (at least once) it.
    | Effect of intent: EffectIntent * checkpoint: CheckpointTiming
    /// Nothing to do: only the checkpoint moves, in batches.
    | NoOp

    /// Emits the events (NoOp when there are none).
    static member Emitting([<ParamArray>] events: EventData[]) = if events.Length = 0 then ProcessorResult.NoOp else ProcessorResult.Emit(List.ofArray events)

    /// An effect run at most once: checkpoint first.
    static member AtMostOnce(intent: EffectIntent) = ProcessorResult.Effect(intent, CheckpointTiming.Before)

    /// An effect run at least once: checkpoint after it succeeded.
    static member AtLeastOnce(intent: EffectIntent) = ProcessorResult.Effect(intent, CheckpointTiming.After)

/// What a handler knows besides the event.
type ProcessorContext =
    { Tenant: TenantId
      Processor: string }

/// How a processor's work is split into leases.
type Sharding =
    /// One lease per (processor, tenant).
    | PerTenant
    /// A fixed number of leases per processor; a tenant belongs to the shard of its stable hash. Never change the
    /// count of a running processor: fencing tokens of different shards are not comparable.
    | Shards of count: int

/// A todo processor: a name, topics (any of the query items: event types, optionally with tags), and a pure handler.
type TodoProcessor =
    { Name: string
      Topics: QueryItem[]
      Handle: ProcessorContext -> RecordedEvent -> ProcessorResult
      Retry: RetryPolicy
      Sharding: Sharding }

    /// A processor over events of these types, with default retries, one lease per tenant.
    static member Create(name: string, topics: QueryItem[], handle: Func<ProcessorContext, RecordedEvent, ProcessorResult>) =
        { Name = name; Topics = topics; Handle = (fun c e -> handle.Invoke(c, e)); Retry = RetryPolicy.Default; Sharding = PerTenant }

    /// The same processor with another retry policy.
    member p.WithRetry(retry: RetryPolicy) = { p with Retry = retry }

    /// The same processor with another lease split.
    member p.WithSharding(sharding: Sharding) = { p with Sharding = sharding }

/// The pure parts of running a processor.
module TodoProcessor =

    /// Problems with a definition, empty when it can run.
    let problems (p: TodoProcessor) =
        [ if String.IsNullOrWhiteSpace p.Name then "The processor name is empty."
          elif p.Name |> String.exists (fun c -> c = '/' || Char.IsWhiteSpace c || Char.IsControl c) then
              $"The processor name '{p.Name}' contains '/', spaces or control characters."
          if isNull p.Topics || p.Topics.Length = 0 then $"Processor '{p.Name}' has no topics."
          if obj.ReferenceEquals(p.Handle, null) then $"Processor '{p.Name}' has no handler."
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

    /// The id of the index-th event emitted for a source event: UUIDv7-shaped (the source's timestamp, then a
    /// SHA-256 of processor, source id and index), so emitting again for the same source event (a replay, a
    /// rebuild, a repeated append) is an idempotent repeat rather than a duplicate.
    let emittedId (processor: string) (source: RecordedEvent) (index: int) =
        let hash = SHA256.HashData(Encoding.UTF8.GetBytes $"{processor}\n{source.Tenant}\n{source.Id:N}\n{index}")
        let bytes = Array.copy hash.[0..15]
        let millis = uint64 (max 0L (source.Timestamp.ToUnixTimeMilliseconds()))
        for i in 0..5 do
            bytes.[i] <- byte (millis >>> (8 * (5 - i)))
        bytes.[6] <- 0x70uy ||| (bytes.[6] &&& 0x0Fuy)
        bytes.[8] <- 0x80uy ||| (bytes.[8] &&& 0x3Fuy)
        Guid(ReadOnlySpan bytes, true)

    /// The metadata of events emitted for a source event: caused by it, in its correlation, its trace (the shell
    /// replaces the trace with the handler's own span when it traces) and carrying its user-defined fields.
    let emittedMetadata (processor: string) (source: RecordedEvent) =
        let correlation =
            if String.IsNullOrEmpty source.Metadata.CorrelationId then source.Id.ToString() else source.Metadata.CorrelationId
        { source.Metadata with CausationId = source.Id.ToString(); CorrelationId = correlation; Actor = $"processor:{processor}" }

    /// The proposed events for an Emit result, with the metadata given (see emittedMetadata).
    let proposalsWith (metadata: EventMetadata) (processor: string) (source: RecordedEvent) (events: EventData list) =
        events |> List.mapi (fun i d -> { Id = emittedId processor source i; Data = d; Metadata = metadata }) |> Array.ofList

    /// The proposed events for an Emit result.
    let proposals (processor: string) (source: RecordedEvent) (events: EventData list) =
        let metadata = emittedMetadata processor source
        events |> List.mapi (fun i d -> { Id = emittedId processor source i; Data = d; Metadata = metadata }) |> Array.ofList
