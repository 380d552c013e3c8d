// The pure model of the event-store contract: per tenant an immutable log, tombstones and checkpoints, with appends
// decided by the core's Append.decide and reads by the core's query rule. Every store must answer as it does.
namespace Hybrid.Tests.StoreDifferential

open System
open Hybrid
open Hybrid.Shell.Stores

/// One tenant's state in the model.
type TenantModel =
    { Log: RecordedEvent[]
      DeletedUpTo: Map<StreamId, StreamVersion>
      Checkpoints: Map<string, Checkpoint> }

    static member Empty = { Log = [||]; DeletedUpTo = Map.empty; Checkpoints = Map.empty }

    member t.VersionOf(stream: StreamId) =
        t.Log |> Array.fold (fun v e -> if e.Stream = stream then max v e.StreamVersion else v) 0L

    member t.StateOf(stream: StreamId) =
        { Version = t.VersionOf stream; DeletedUpTo = t.DeletedUpTo |> Map.tryFind stream |> Option.defaultValue 0L }

    member t.CheckpointOf(processor: string) =
        t.Checkpoints |> Map.tryFind processor |> Option.defaultValue { Position = 0L; Fence = 0L }

    /// What Append.decide may ask of this state.
    member t.AppendState =
        let log = t.Log
        { new IAppendState with
            member _.Head = int64 log.Length
            member _.TryGetStored(id, stored) =
                match log |> Array.tryFind (fun e -> e.Id = id) with
                | Some e ->
                    stored <- e
                    true
                | None -> false
            member _.Checkpoint processor = t.CheckpointOf processor
          interface IConditionReader with
            member _.StreamState stream =
                let state = t.StateOf stream
                struct (state.Version, state.IsLive)
            member _.Matching query = EventQuery.select { query with Direction = Direction.Forward; Limit = 0 } log
            member _.AnyMatchAfter(query, after) = log |> Array.exists (fun e -> e.Position > after && EventQuery.matches query e) }

/// The model: tenants by id. Each operation returns its answer and the next model.
type StoreModel =
    { Tenants: Map<TenantId, TenantModel>
      Limits: InputLimits }

    static member Empty = { Tenants = Map.empty; Limits = InputLimits.Default }

    member m.Tenant(tenant: TenantId) = m.Tenants |> Map.tryFind tenant |> Option.defaultValue TenantModel.Empty

    member private m.With(tenant, state) = { m with Tenants = m.Tenants |> Map.add tenant state }

/// The model's answer to each operation of the IEventStore contract.
module StoreModel =

    /// Runs a check that throws InvalidInputException, as the stores do, turning it into an answer.
    let private guarded (check: unit -> unit) (then': unit -> Answer * StoreModel) (model: StoreModel) =
        try
            check ()
            then' ()
        with e ->
            Answer.ofException e, model

    let append (request: AppendRequest) (model: StoreModel) =
        match Append.validate model.Limits request with
        | Error e -> Invalid e.Field, model
        | Ok() ->
            let tenant = model.Tenant request.Tenant
            try
                match Append.decide tenant.AppendState DateTimeOffset.UnixEpoch request with
                | Write w ->
                    let next =
                        { tenant with
                            Log = Array.append tenant.Log w.Events
                            Checkpoints = w.Checkpoints |> Array.fold (fun cs c -> cs |> Map.add c.Processor c.Checkpoint) tenant.Checkpoints }
                    Written(Answer.shapes w.Events), { model with Tenants = model.Tenants |> Map.add request.Tenant next }
                | decision -> Answer.ofAppend decision.Result, model
            with e ->
                Answer.ofException e, model

    let read (tenant: TenantId) (query: EventQuery) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.Query(tenant, query)) (fun () ->
            Events(Answer.shapes (EventQuery.select query (model.Tenant tenant).Log)), model)

    let readStream (tenant: TenantId) (read: StreamRead) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.StreamRead(tenant, read)) (fun () ->
            let t = model.Tenant tenant
            let deleted = (t.StateOf read.Stream).DeletedUpTo
            let live =
                t.Log
                |> Array.filter (fun e -> e.Stream = read.Stream && e.StreamVersion > max read.After deleted && e.StreamVersion < read.Before)
            let ordered = if read.Direction = Direction.Backward then Array.rev live else live
            let limited = if read.Limit > 0 then Array.truncate read.Limit ordered else ordered
            Events(Answer.shapes limited), model)

    let delete (tenant: TenantId) (stream: StreamId) (expected: ExpectedVersion) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.Stream(tenant, "stream", stream); StoreInput.Expected(tenant, "expected", expected)) (fun () ->
            let t = model.Tenant tenant
            let state = t.StateOf stream
            match AppendCondition.checkVersion stream expected (state.Version, state.IsLive) with
            | Error f -> DeleteRefused(f.Kind, f.ActualVersion), model
            | Ok() when state.Version = 0L -> Deleted 0L, model
            | Ok() ->
                Deleted state.Version, { model with Tenants = model.Tenants |> Map.add tenant { t with DeletedUpTo = t.DeletedUpTo |> Map.add stream state.Version } })

    let claim (tenant: TenantId) (processor: string) (token: int64) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.Processor(tenant, processor)) (fun () ->
            let t = model.Tenant tenant
            match Fencing.claim tenant processor (t.CheckpointOf processor) token with
            | Error f -> ClaimFailed f.Kind, model
            | Ok c ->
                CheckpointIs(c.Position, c.Fence), { model with Tenants = model.Tenants |> Map.add tenant { t with Checkpoints = t.Checkpoints |> Map.add processor c } })

    let readCheckpoint (tenant: TenantId) (processor: string) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.Processor(tenant, processor)) (fun () ->
            let c = (model.Tenant tenant).CheckpointOf processor
            CheckpointIs(c.Position, c.Fence), model)

    let head (tenant: TenantId) (model: StoreModel) =
        model |> guarded (fun () -> StoreInput.Tenant tenant) (fun () -> HeadIs(int64 (model.Tenant tenant).Log.Length), model)

    let streamState (tenant: TenantId) (stream: StreamId) (model: StoreModel) =
        model
        |> guarded (fun () -> StoreInput.Stream(tenant, "stream", stream)) (fun () ->
            let s = (model.Tenant tenant).StateOf stream
            StreamIs(s.Version, s.DeletedUpTo), model)

    /// The tenants among these that have events, in ordinal order.
    let tenantsAmong (tenants: TenantId list) (model: StoreModel) =
        TenantsAre(tenants |> List.filter (fun t -> (model.Tenant t).Log.Length > 0) |> List.sortWith (fun a b -> String.CompareOrdinal(a, b)))
