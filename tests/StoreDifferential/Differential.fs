// The differential check: each enrolled store runs the same random sequences as the pure model (one model per store,
// since stores may order concurrent appends differently) and must give the model's answer to every operation.
namespace Hybrid.Tests.StoreDifferential

open System
open System.Threading.Tasks
open FsCheck
open FsCheck.FSharp
open Hybrid

/// A store enrolled in the differential check. One store serves every sequence: each sequence uses fresh tenants.
type EnrolledStore =
    { Name: string
      Store: IEventStore }

    static member Of(name: string, store: IEventStore) = { Name = name; Store = store }

/// A store that answered differently from the model.
type DifferenceException(message: string) =
    inherit Exception(message)

/// One store and the model of what it must hold.
type private Lane =
    { Name: string
      Store: IEventStore
      mutable Model: StoreModel }

/// Runs one sequence against every store and its model.
type private SequenceRun(stores: EnrolledStore list, statistics: System.Collections.Concurrent.ConcurrentDictionary<string, int>) =
    let run = Guid.NewGuid().ToString("N").Substring(0, 12)
    let tenants = [| $"d{run}-a"; $"d{run}-b" |]
    let lanes = stores |> List.map (fun s -> { Name = s.Name; Store = s.Store; Model = StoreModel.Empty })
    let requests = ResizeArray<AppendRequest>()
    let mutable nextId = 0

    let await (t: Task<'a>) = t.GetAwaiter().GetResult()

    let propose (data: EventData) (metadata: EventMetadata) =
        nextId <- nextId + 1
        { Id = Guid(nextId, 0s, 0s, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 0uy, 1uy); Data = data; Metadata = metadata }

    let request tenant (spec: AppendSpec) =
        { Tenant = tenants.[tenant]
          Events = spec.Events |> List.map (fun d -> propose d spec.Metadata) |> Array.ofList
          Condition = spec.Condition
          Checkpoint = spec.Checkpoint }

    let differ (lane: Lane) (what: unit -> string) (expected: obj) (actual: obj) =
        let shorten (text: string) = if text.Length > 3000 then text.Substring(0, 3000) + "…" else text
        raise (DifferenceException(shorten $"Store '{lane.Name}' answered {what ()}" + shorten $"\nexpected (model): %A{expected}" + shorten $"\nactual:           %A{actual}"))

    let count (answer: Answer) =
        let name = (Microsoft.FSharp.Reflection.FSharpValue.GetUnionFields(answer, typeof<Answer>) |> fst).Name
        statistics.AddOrUpdate(name, 1, fun _ n -> n + 1) |> ignore

    /// Every store answers the operation as its model does.
    let step (what: unit -> string) (onModel: StoreModel -> Answer * StoreModel) (onStore: IEventStore -> Task<Answer>) =
        for lane in lanes do
            let expected, next = onModel lane.Model
            let actual = await (onStore lane.Store)
            if expected <> actual then differ lane what expected actual
            count actual
            lane.Model <- next

    let append (r: AppendRequest) =
        step (fun () -> $"the append {r.Tenant} %A{r.Events |> Array.map (fun e -> e.Data)} when %A{r.Condition}")
            (StoreModel.append r) (fun store -> StoreCalls.append store r)

    /// The members sent at once; each store's answers must be the model's in some order of the members.
    let concurrent (members: AppendRequest list) =
        for lane in lanes do
            let tasks = members |> List.map (fun r -> Task.Run<Answer>(Func<Task<Answer>>(fun () -> StoreCalls.append lane.Store r)))
            let actual = tasks |> List.map await
            let rec orders (items: int list) =
                match items with
                | [] -> [ [] ]
                | _ -> items |> List.collect (fun i -> orders (List.except [ i ] items) |> List.map (fun rest -> i :: rest))
            let replay order =
                let answers = Array.zeroCreate members.Length
                let model = order |> List.fold (fun model i -> let o, next = StoreModel.append members.[i] model in answers.[i] <- o; next) lane.Model
                List.ofArray answers, model
            match orders [ 0 .. members.Length - 1 ] |> List.map replay |> List.tryFind (fun (answers, _) -> answers = actual) with
            | Some(_, model) ->
                statistics.AddOrUpdate("concurrent groups", 1, fun _ n -> n + 1) |> ignore
                actual |> List.iter count
                lane.Model <- model
            | None ->
                differ lane (fun () -> $"a concurrent group in no order the model allows: %A{members |> List.map (fun r -> r.Events |> Array.map (fun e -> e.Data), r.Condition)}") (fst (replay [ 0 .. members.Length - 1 ])) actual

    member _.Run(op: Op) =
        match op with
        | Append(t, spec) ->
            let r = request t spec
            requests.Add r
            append r
        | Resend earlier when requests.Count > 0 -> append requests.[earlier % requests.Count]
        | PartialResend(earlier, extra) when requests.Count > 0 ->
            let r = requests.[earlier % requests.Count]
            append { r with Events = Array.append r.Events [| propose extra EventMetadata.Empty |] }
        | Resend _
        | PartialResend _ -> ()
        | BadAppend(t, spec, corruption) -> append (corruption.Apply(request t spec))
        | Concurrent(t, members) ->
            let sent =
                members
                |> List.choose (function
                    | New spec ->
                        let r = request t spec
                        requests.Add r
                        Some r
                    | Again earlier when requests.Count > 0 -> Some requests.[earlier % requests.Count]
                    | Again _ -> None)
            concurrent sent
        | Read(t, q) -> step (fun () -> $"the read %A{q}") (StoreModel.read tenants.[t] q) (fun s -> StoreCalls.read s tenants.[t] q)
        | ReadStream(t, r) -> step (fun () -> $"the stream read %A{r}") (StoreModel.readStream tenants.[t] r) (fun s -> StoreCalls.readStream s tenants.[t] r)
        | Delete(t, stream, expected) ->
            step (fun () -> $"the deletion of {stream} expecting {expected}") (StoreModel.delete tenants.[t] stream expected) (fun s ->
                StoreCalls.delete s tenants.[t] stream expected)
        | Claim(t, p, token) ->
            step (fun () -> $"the claim of {p} with {token}") (StoreModel.claim tenants.[t] p token) (fun s -> StoreCalls.claim s tenants.[t] p token)
        | ReadCheckpoint(t, p) ->
            step (fun () -> $"the checkpoint of {p}") (StoreModel.readCheckpoint tenants.[t] p) (fun s -> StoreCalls.readCheckpoint s tenants.[t] p)
        | GetStreamState(t, stream) ->
            step (fun () -> $"the state of {stream}") (StoreModel.streamState tenants.[t] stream) (fun s -> StoreCalls.streamState s tenants.[t] stream)
        | GetHead t -> step (fun () -> "the head") (StoreModel.head tenants.[t]) (fun s -> StoreCalls.head s tenants.[t])

    /// Whole logs, heads, stream states, checkpoints and the tenant list, after the sequence.
    member _.CheckFinalState() =
        for tenant in tenants do
            step (fun () -> $"the whole log of {tenant}") (StoreModel.read tenant EventQuery.All) (fun s -> StoreCalls.read s tenant EventQuery.All)
            step (fun () -> $"the head of {tenant}") (StoreModel.head tenant) (fun s -> StoreCalls.head s tenant)
            for stream in Generators.streams do
                step (fun () -> $"the state of {tenant}/{stream}") (StoreModel.streamState tenant stream) (fun s -> StoreCalls.streamState s tenant stream)
            for p in Generators.processors do
                step (fun () -> $"the checkpoint {tenant}/{p}") (StoreModel.readCheckpoint tenant p) (fun s -> StoreCalls.readCheckpoint s tenant p)
        step (fun () -> "the tenants") (fun m -> StoreModel.tenantsAmong (List.ofArray tenants) m, m) (fun s -> StoreCalls.tenantsAmong s (List.ofArray tenants))

/// <summary>
/// The differential check of the event-store contract. Enroll a store with one more <see cref="EnrolledStore"/> in
/// the list; <c>Differential.Check(stores, sequences)</c> runs that many random sequences (appends of every expected-
/// version kind, DCB conditions, predicates, checkpoints, idempotent and partial re-sends, empty appends, invalid input
/// of every validator rule, reads, stream reads, deletes, claims, concurrent groups, two tenants) against each store
/// and the model, and throws a <see cref="DifferenceException"/> naming the store, the operation, both answers and
/// the seed to replay with (environment variable HYBRID_DIFFERENTIAL_SEED).
/// </summary>
type Differential =

    /// The environment variable that replays a failed run: its value is the seed the failure printed.
    static member SeedVariable = "HYBRID_DIFFERENTIAL_SEED"

    /// Runs one sequence against the stores; throws a DifferenceException at the first difference.
    static member RunSequence(stores: EnrolledStore seq, ops: Op list) =
        Differential.RunSequence(stores, ops, System.Collections.Concurrent.ConcurrentDictionary())

    static member private RunSequence(stores: EnrolledStore seq, ops: Op list, statistics) =
        let run = SequenceRun(List.ofSeq stores, statistics)
        for op in ops do
            run.Run op
        run.CheckFinalState()

    /// Runs `sequences` random sequences against every store (the seed from HYBRID_DIFFERENTIAL_SEED when set);
    /// returns how many answers of each kind the stores gave, with the seed.
    static member Check(stores: EnrolledStore seq, sequences: int) =
        let seed =
            match Environment.GetEnvironmentVariable Differential.SeedVariable with
            | null
            | "" -> uint64 (Random.Shared.NextInt64())
            | s -> UInt64.Parse s
        Differential.Check(stores, sequences, seed)

    /// Runs `sequences` random sequences from the seed against every store, as Check does.
    static member Check(stores: EnrolledStore seq, sequences: int, seed: uint64) =
        let stores = List.ofSeq stores
        let config =
            Config.QuickThrowOnFailure.WithMaxTest(sequences).WithQuietOnSuccess(true)
                .WithReplay(Some { Rnd = Rnd(seed); Size = None })
                // Sequences are independent (fresh tenants, a model each) and mostly wait on I/O: run a few at once.
                .WithParallelRunConfig(Some { MaxDegreeOfParallelism = 4 })
        let statistics = System.Collections.Concurrent.ConcurrentDictionary<string, int>()
        let property =
            Prop.forAll (Arb.fromGenShrink (Generators.genSequence, Generators.dropOne)) (fun ops -> Differential.RunSequence(stores, ops, statistics))
        try
            Check.One(config, property)
            let counts = statistics |> Seq.sortBy (fun kv -> kv.Key) |> Seq.map (fun kv -> $"{kv.Key} {kv.Value}") |> String.concat ", "
            $"{sequences} sequences (seed {seed}) against {stores.Length} stores; answers: {counts}"
        with e ->
            let names = stores |> List.map (fun s -> s.Name) |> String.concat ", "
            raise (DifferenceException($"The differential check of [{names}] failed; replay with {Differential.SeedVariable}={seed}.\n{e.Message}"))
