// Users' simulations: their own invariants beside the built-in ones, a planted bug only a user invariant sees, and
// shrinking a failing 20,000-step run to under 200 steps with the reduced replay line.
module Hybrid.Tests.Properties.Testing.SimulationTests

open Xunit
open Hybrid.Simulation
open Hybrid.InMemory.Simulation
open Hybrid.Sample
open Hybrid.Testing
open Hybrid.Tests.Properties.Sample

[<Fact>]
let ``the sample keeps its own invariants beside the built-in ones`` () =
    let options = SimulationOptions(Seed = 7, Steps = 3_000L, Tenants = 2, CheckEvery = 500, Invariants = SampleInvariants.all)
    let report = Simulation.check Application.simulated options
    Assert.True(report.Passed)
    Assert.True(report.Checks.["every list's open-item count equals the read model's"] > 0L)
    Assert.True(report.Checks.["no email is invited twice in a tenant"] > 0L)

[<Fact>]
let ``a planted bug only a user invariant sees fails the run, which shrinks from 20,000 steps to under 200`` () =
    let options = SimulationOptions(Seed = 42, Steps = 20_000L, Tenants = 4, Invariants = SampleInvariants.all)
    let error = Assert.Throws<SimulationFailedException>(fun () -> Simulation.check PlantedBugs.application options |> ignore)
    Assert.Contains("every list's open-item count equals the read model's", error.Message)
    Assert.Contains("Replay: SimulationOptions(Seed = 42, Steps = 20000L, Tenants = 4", error.Message)
    Assert.Contains("Reduced replay: SimulationOptions(Seed = ", error.Message)
    let shrunk = error.Shrunk.Value
    Assert.True(shrunk.Reduced.Steps < 200L, shrunk.Summary)
    Assert.True(shrunk.Reduced.Tenants <= options.Tenants)
    Assert.Contains($"Steps = {shrunk.Reduced.Steps}L", error.Message)
    // The reduced run replays: it fails the same invariant again.
    let replayed = Simulation.run PlantedBugs.application shrunk.Reduced
    Assert.Equal("every list's open-item count equals the read model's", replayed.Violation.Invariant)

[<Fact>]
let ``an invariant that throws is a violation naming it, not a crashed run`` () =
    let throwing = Invariant.create "reads a missing model" (fun input -> [ string (input.ReadModel "no-such-model") ])
    let report = Simulation.runWith [ throwing ] Application.simulated (SimulationOptions(Seed = 3, Steps = 300L, Tenants = 1))
    Assert.False(report.Passed)
    Assert.Equal("reads a missing model", report.Violation.Invariant)
    Assert.Contains("invariant 'reads a missing model' threw ArgumentException", report.Violation.Detail)

[<Fact>]
let ``a workload written as an FsCheck generator drives a simulation deterministically`` () =
    let application = { Application.simulated with NextCommand = Commands.workload (fun _ -> SampleGenerators.commandRequests) }
    let options = SimulationOptions(Seed = 11, Steps = 1_000L, Tenants = 2, Invariants = SampleInvariants.all)
    let first = Simulation.check application options
    let second = Simulation.check application options
    Assert.True(first.Stats.CommandsAccepted > 0L)
    Assert.Equal(first.LogDigest, second.LogDigest)

[<Fact>]
let ``the replay line names every option that shapes the run, not only seed, steps, tenants, nodes and faults`` () =
    let start = System.DateTimeOffset(2026, 3, 29, 0, 30, 0, System.TimeSpan.FromHours 1.0)
    let options =
        SimulationOptions(Seed = 8, Steps = 500L, Tenants = 3, Databases = 2, Start = start, MaxStepAdvance = System.TimeSpan.FromSeconds 30.0,
                          LeaseDuration = System.TimeSpan.FromMinutes 1.0, Sabotage = (Sabotage.HideAnEvent ||| Sabotage.IgnoreFencing))
    let line = Simulation.replayLine options
    Assert.Contains("Databases = 2", line)
    Assert.Contains($"Start = DateTimeOffset({start.Ticks}L, TimeSpan.FromTicks {start.Offset.Ticks}L)", line)
    Assert.Contains($"MaxStepAdvance = TimeSpan.FromTicks {System.TimeSpan.FromSeconds(30.0).Ticks}L", line)
    Assert.Contains($"LeaseDuration = TimeSpan.FromTicks {System.TimeSpan.FromMinutes(1.0).Ticks}L", line)
    Assert.Contains("Sabotage = Sabotage.IgnoreFencing ||| Sabotage.HideAnEvent", line)
    Assert.Equal("SimulationOptions(Seed = 8, Steps = 500L, Tenants = 3, Nodes = 2, Faults = FaultRates.Default)",
                 Simulation.replayLine (SimulationOptions(Seed = 8, Steps = 500L, Tenants = 3)))
