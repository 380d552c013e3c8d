// Simulations of a user's own application (Accounts) through the kit: a seed replays the same history, other seeds
// give other histories, faults never break the user's invariants, a planted overdraft is found and shrunk, and the
// daily cron task fires at its local instants on virtual time.
module Hybrid.Tests.Properties.Testing.AccountSimulationTests

open System
open System.Diagnostics
open Xunit
open Hybrid
open Hybrid.InMemory.Simulation
open Hybrid.Simulation
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Accounts

let private options seed = SimulationOptions(Seed = seed, Steps = 1_500L, Tenants = 2, CheckEvery = 300, Invariants = invariants)

[<Fact>]
let ``one seed replays the same history and other seeds give other histories`` () =
    let first = Simulation.check application (options 5)
    let again = Simulation.check application (options 5)
    let other = Simulation.check application (options 6)
    Assert.True(first.Stats.CommandsAccepted > 0L)
    Assert.Equal(first.LogDigest, again.LogDigest)
    Assert.NotEqual<string>(first.LogDigest, other.LogDigest)

[<Fact>]
let ``the user's invariants hold with every fault kind on, and are checked`` () =
    let report = Simulation.check application (options 9)
    Assert.True(report.Options.Faults.Active.Count > 0)
    Assert.True(report.Checks.["no account goes below zero"] > 0L)
    Assert.True(report.Checks.["the balances read model equals the log's balances"] > 0L)

[<Fact>]
let ``a planted overdraft is found by the user's invariant and shrunk to a short run that replays it`` () =
    let failing = SimulationOptions(Seed = 3, Steps = 4_000L, Tenants = 3, Invariants = invariants)
    let error = Assert.Throws<SimulationFailedException>(fun () -> Simulation.check overdrawing failing |> ignore)
    Assert.Equal("no account goes below zero", error.Report.Violation.Invariant)
    let shrunk = error.Shrunk.Value
    Assert.True(shrunk.Reduced.Steps < failing.Steps, shrunk.Summary)
    Assert.Equal(1, shrunk.Reduced.Tenants)
    Assert.Equal(0, shrunk.Reduced.Faults.Active.Count)
    let replayed = Simulation.run overdrawing shrunk.Reduced
    Assert.Equal("no account goes below zero", replayed.Violation.Invariant)

/// The due instants of the statement triggers in a tenant's log.
let private statementInstants (log: RecordedEvent[]) =
    log
    |> Array.filter (fun e -> e.Type = Triggers.TriggeredType)
    |> Array.choose (fun e -> e.Tags |> Array.tryPick (Triggers.tryParseDue statements.Name))

[<Fact>]
let ``the daily statement fires every day per tenant at 09:00 Paris time on virtual time with coarse steps, without waiting`` () =
    let seen = Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset[]>()
    let recordFires =
        Invariant.ofLog "records the statement instants" (fun tenant log -> seen.[tenant] <- statementInstants log; [])
    // Steps of up to 20 s: about two days in 15,000 steps. A node ticks in one step of twenty, so before nodes woke
    // their schedulers at due instants, as hosted ones do, instants came over a minute late and were skipped.
    let run =
        SimulationOptions(Seed = 4, Steps = 15_000L, Tenants = 2, Faults = FaultRates.None, MaxStepAdvance = TimeSpan.FromSeconds 20.0,
                          CheckEvery = 5_000, Invariants = recordFires :: invariants)
    let watch = Stopwatch.StartNew()
    let report = Simulation.check application run
    let ended = run.Start + report.VirtualTime
    // January and February: Paris is UTC+1, so 09:00 there is 08:00 UTC, every day from 1 February.
    let expected =
        Seq.initInfinite (fun d -> DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero).AddDays(float d))
        |> Seq.takeWhile (fun instant -> instant <= ended.AddMinutes -1.0)
        |> Array.ofSeq
    Assert.True(expected.Length >= 2, $"the run covered only {report.VirtualTime} of virtual time")
    Assert.True(watch.Elapsed < report.VirtualTime / 1000.0, $"{watch.Elapsed} of real time for {report.VirtualTime} of virtual time")
    for tenant in run.TenantIds do
        Assert.Equal<DateTimeOffset[]>(expected, seen.[tenant])
    Assert.Equal(int64 (expected.Length * run.Tenants), report.Stats.TriggersFired)
