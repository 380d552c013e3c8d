// A fresh application built only from the packed Hybrid packages (see scripts/package-smoke.sh): an F# domain, one
// wiring call, the in-memory store or PostgreSQL, and the LMDB read-model cache whose native library must load from
// the Hybrid.Shell.Lmdb package.
open System
open System.IO
open System.Threading
open System.Threading.Tasks
open Hybrid
open Hybrid.Shell.Commands
open Hybrid.Shell.Hosting
open Hybrid.Shell.Lmdb
open Hybrid.Shell.ReadModels
open Microsoft.Extensions.DependencyInjection
open Microsoft.Extensions.Hosting

type Add = { Counter: string; By: int }
type Added = { Counter: string; By: int; At: DateTimeOffset }

let decider: Decider<Add, Added, int> =
    { Initial = 0
      Evolve = fun total e -> total + e.By
      Decide =
        fun context c _ ->
            if c.By <= 0 then Error(Rejection.create "not-positive" "Add a positive number.")
            else Ok [ { Counter = c.Counter; By = c.By; At = context.Now } ] }

let codec =
    EventCodec.create [ "Added" ] (fun (e: Added) -> "Added", box e) (fun _ body -> JsonPayload.tryRead<Added> body)

let add =
    Command.ofDecider "Add" "counter" decider codec (fun (c: Add) -> $"counter-{c.Counter}")
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())

let totals =
    ReadModel.ofRecorded "totals" 1 [ "Added" ] Map.empty<string, int> (fun totals e ->
        match codec.Decode e with
        | Some added -> totals.Add(added.Counter, (totals.TryFind added.Counter |> Option.defaultValue 0) + added.By)
        | None -> totals)

let notifier =
    TodoProcessor.Create("notifier", [| QueryItem.OfTypes "Added" |], fun _ e -> ProcessorResult.AtLeastOnce(EffectIntent.Of("notify", e.Body)))

let registry =
    Registry.empty |> WriteSide.addCommand add |> Runtime.addReadModel totals |> Runtime.addProcessor notifier

let loadedLmdb () =
    File.ReadAllLines "/proc/self/maps" |> Array.tryPick (fun line ->
        let path = line.Split(' ', StringSplitOptions.RemoveEmptyEntries) |> Array.last
        if Path.GetFileName(path).Contains "lmdb" then Some path else None)

[<EntryPoint>]
let main args =
    let mode = if args.Length > 0 then args.[0] else "inmemory"
    let cache = Path.Combine(Path.GetTempPath(), $"hybrid-smoke-{Guid.NewGuid():N}")
    let notified = TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)
    let builder = Host.CreateApplicationBuilder()
    builder.Services.AddHybrid(registry, fun hybrid ->
        match mode with
        | "postgres" ->
            let admin = Environment.GetEnvironmentVariable "HYBRID_SMOKE_POSTGRES"
            let app = Npgsql.NpgsqlConnectionStringBuilder(admin, Username = "hybrid_smoke", Password = "smoke")
            hybrid.UsePostgres(app.ConnectionString, fun pg ->
                pg.MigrationConnectionString <- admin
                pg.ApplicationRole <- "hybrid_smoke"
                pg.ApplicationRolePassword <- "smoke") |> ignore
        | _ -> hybrid.UseInMemory() |> ignore
        hybrid
            .UseReadModelCache(fun _ -> new LmdbReadModelStore(cache) :> IReadModelStore)
            .AddEffectHandler("notify", fun effect _ ->
                notified.TrySetResult(string effect.Intent.Payload) |> ignore
                Task.CompletedTask)
            .Processing(fun o ->
                o.RebalanceInterval <- TimeSpan.FromMilliseconds 200.
                o.PollInterval <- TimeSpan.FromMilliseconds 200.)
        |> ignore)
    |> ignore
    use host = builder.Build()
    host.StartAsync().GetAwaiter().GetResult()
    let commands = host.Services.GetRequiredService<CommandProcessor>()
    let caller = { Tenant = "smoke"; Actor = "ann"; Roles = [||]; CorrelationId = "" }
    let run (by: int) =
        let options = CommandOptions(Fields = Map.ofList [ "client", "smoke" ])
        match commands.ExecuteAsync(caller, "Add", box { Counter = "c"; By = by }, options).GetAwaiter().GetResult() with
        | CommandOutcome.Accepted accepted -> accepted
        | other -> failwith $"The command was not accepted: {other}"
    run 1 |> ignore
    let last = run 2
    let effect = notified.Task.WaitAsync(TimeSpan.FromSeconds 60.).GetAwaiter().GetResult()
    let views = host.Services.GetRequiredService<IReadModelViews>()
    let view = views.ReadAtLeast("smoke", "totals", "", last.Position, CancellationToken.None).GetAwaiter().GetResult()
    let total = (view.State :?> Map<string, int>).["c"]
    let event = last.Events.[0]
    host.StopAsync().GetAwaiter().GetResult()
    let lmdb = loadedLmdb () |> Option.defaultValue "(none)"
    printfn "mode=%s total=%d effect=%s client=%s lmdb=%s" mode total effect event.Metadata.Fields.["client"] lmdb
    if total <> 3 || event.Metadata.Fields.["client"] <> "smoke" || not (lmdb.EndsWith "/lmdb.so") then 1 else 0
