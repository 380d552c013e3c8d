// Shrinking a failing simulation. Candidate runs check the invariants after every step, so a run stops at the step
// that broke one (checks only read: the run is the same, step for step). From the failing run it keeps each change
// that still breaks the same invariant: no faults, fewer tenants, one node, each fault kind off, then other seeds of
// the reduced shape that break it sooner. When a violation only shows after the end-of-run drain, a binary search
// over the steps (the first steps of a run do not depend on how many follow) finds the shortest failing run.
namespace Hybrid.Testing

open System
open System.Diagnostics
open Hybrid.Simulation
open Hybrid.InMemory.Simulation

/// What shrinking a failing run found.
type ShrinkResult =
    { /// The failing run's options.
      Original: SimulationOptions
      /// The smallest options found that still break the same invariant.
      Reduced: SimulationOptions
      /// The report of the reduced run (its violation).
      Report: SimulationReport
      /// How many runs shrinking took.
      Runs: int
      Elapsed: TimeSpan }

    /// The reduction, as people read it.
    member r.Summary =
        let o, s = r.Original, r.Reduced
        $"Shrunk from {o.Steps} steps, {o.Tenants} tenant(s), {o.Nodes} node(s), {o.Faults.Active.Count} fault kind(s) "
        + $"to {s.Steps} steps, {s.Tenants} tenant(s), {s.Nodes} node(s), {s.Faults.Active.Count} fault kind(s) "
        + $"in {r.Runs} runs ({r.Elapsed.TotalSeconds:F1} s)."

/// Shrinking failing simulations.
module Shrinking =

    /// How many other seeds are tried once the run's shape is reduced.
    [<Literal>]
    let SeedsTried = 24

    /// Reduces a failing run of the application to a shorter one breaking the same invariant, within a budget of runs.
    let shrinkWithin (maxRuns: int) (application: SimulatedApplication) (failing: SimulationOptions) (report: SimulationReport) =
        let watch = Stopwatch.StartNew()
        let invariant = report.Violation.Invariant
        let mutable runs = 0
        let mutable best = failing
        let mutable bestReport = report
        let attempt (options: SimulationOptions) =
            if runs >= maxRuns then None
            else
                runs <- runs + 1
                let candidate = SimulationRun.run application options
                if not candidate.Passed && candidate.Violation.Invariant = invariant then Some candidate else None
        let keep (options: SimulationOptions) (candidate: SimulationReport) =
            best <- options.Reshaped(options.Seed, min options.Steps candidate.StepsTaken, options.Tenants, options.Nodes, options.Faults)
            bestReport <- candidate
        let tryRun (options: SimulationOptions) =
            match attempt options with
            | Some candidate -> keep options candidate; true
            | None -> false
        let reshape steps tenants nodes faults = best.Reshaped(best.Seed, steps, tenants, nodes, faults)
        let searchSteps () =
            let mutable low = 0L
            let mutable high = best.Steps
            while low + 1L < high && runs < maxRuns do
                let middle = low + (high - low) / 2L
                if tryRun (reshape middle best.Tenants best.Nodes best.Faults) then high <- min middle best.Steps else low <- middle
        best <- failing.WithCheckEvery 1
        tryRun best |> ignore
        if best.Faults.Active.Count > 0 then tryRun (reshape best.Steps best.Tenants best.Nodes FaultRates.None) |> ignore
        for tenants in 1 .. best.Tenants - 1 do
            if tenants < best.Tenants then tryRun (reshape best.Steps tenants best.Nodes best.Faults) |> ignore
        if best.Nodes > 1 then tryRun (reshape best.Steps best.Tenants 1 best.Faults) |> ignore
        for kind in best.Faults.Active do
            tryRun (reshape best.Steps best.Tenants best.Nodes (best.Faults.Without kind)) |> ignore
        let shape = best
        for offset in 1 .. SeedsTried do
            let other = shape.Reshaped(shape.Seed + offset, best.Steps, shape.Tenants, shape.Nodes, shape.Faults)
            match attempt other with
            | Some candidate when candidate.StepsTaken < best.Steps -> keep other candidate
            | _ -> ()
        if bestReport.StepsTaken >= best.Steps then searchSteps ()
        { Original = failing; Reduced = best; Report = bestReport; Runs = runs; Elapsed = watch.Elapsed }

    /// Reduces a failing run, within 200 runs.
    let shrink application failing report = shrinkWithin 200 application failing report
