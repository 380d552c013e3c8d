// Properties of the pure processing rules: retry delays, fair lease sharing and interval schedules.
module Hybrid.Tests.Properties.ProcessingProperties

open System
open FsCheck.Xunit
open Hybrid

[<Property>]
let ``a retry delay stays within its jittered envelope`` (retry: byte) (sample: float) (jitterPercent: byte) =
    let policy = { RetryPolicy.Default with Jitter = float (jitterPercent % 101uy) / 100.0 }
    let sample = if Double.IsFinite sample then abs sample % 1.0 else 0.5
    let envelope = RetryPolicy.envelope policy (int retry + 1)
    let delay = RetryPolicy.delay policy (int retry + 1) sample
    envelope <= policy.MaxDelay && delay <= envelope && float delay.Ticks >= (1.0 - policy.Jitter) * float envelope.Ticks - 1.0

[<Property>]
let ``a node never plans beyond its fair share nor to acquire a held resource`` (resourceCount: byte) (owners: byte list) (nodeCount: byte) =
    let resources = Array.init (int resourceCount % 20) (fun i -> $"r{i}")
    let nodes = Array.init (int nodeCount % 5 + 1) (fun i -> $"n{i}")
    let held =
        Seq.zip resources owners
        |> Seq.choose (fun (r, o) -> if int o % 3 = 0 then None else Some { Resource = r; Owner = nodes.[int o % nodes.Length]; FencingToken = 1L; ExpiresAt = DateTimeOffset.MaxValue })
        |> Array.ofSeq
    let plan = Leasing.plan "n0" resources held nodes
    let mine = held |> Array.filter (fun l -> l.Owner = "n0") |> Array.length
    let heldResources = held |> Array.map (fun l -> l.Resource) |> Set.ofArray
    mine + plan.Acquire.Length - plan.Release.Length <= Leasing.fairShare resources.Length nodes.Length
    && plan.Acquire |> Array.forall (fun r -> not (heldResources.Contains r))
    && (plan.Acquire.Length = 0 || plan.Release.Length = 0)

[<Property>]
let ``interval instants are whole multiples of the interval after the last fire`` (seconds: uint16) (offsetMinutes: uint16) (count: byte) =
    let interval = TimeSpan.FromSeconds(float (int seconds % 3600 + 1))
    let last = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(float offsetMinutes)
    let now = last + TimeSpan.FromTicks(interval.Ticks * 7L + 1L)
    let due, _ = Schedules.latestDue (Every interval) last now (int count % 10 + 1)
    due |> List.forall (fun d -> d > last && d <= now && (d - DateTimeOffset.UnixEpoch).Ticks % interval.Ticks = 0L)
    && due = List.sortDescending due

[<Property>]
let ``instants owed after a store outage fire however late it is now, at most as many as the policy keeps, oldest first`` (owedCount: byte) (lateHours: byte) (catchUp: byte) =
    let hourly policy = { PeriodicTask.Create("hourly", Every(TimeSpan.FromHours 1.0), fun _ -> [||]) with MissedFires = policy }
    let start = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)
    let owed = [ for i in 1 .. int owedCount % 5 + 1 -> start.AddHours(float i) ]
    let last = List.last owed
    let now = last.AddHours(float (lateHours % 48uy)).AddSeconds 30.0 // the latest fresh instant is within its tolerance
    let policy = if catchUp % 2uy = 0uy then SkipMissed else CatchUp(int catchUp % 7 + 1)
    let plan = Schedules.planOwing (hourly policy) owed last now
    let keep = match policy with SkipMissed -> 1 | CatchUp n -> n
    let everyDue = (owed @ [ for h in 1 .. int (lateHours % 48uy) -> last.AddHours(float h) ])
    plan.Fire = List.sort plan.Fire
    && plan.Fire.Length = min keep everyDue.Length
    && plan.Fire = List.skip (everyDue.Length - plan.Fire.Length) everyDue
