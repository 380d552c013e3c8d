// Shrinking a failing simulation: the same seed with fewer steps (a run's first steps do not depend on how many
// follow), then fewer faults, tenants and nodes, keeping each change only if the run still fails.
namespace Hybrid.Testing

open System
open System.Diagnostics
open Hybrid.Simulation
open Hybrid.InMemory.Simulation

/// What shrinking a failing run found.
type ShrinkResult =
    { /// The failing run's options.
      Original: SimulationOptions
      /// The smallest options found that still fail.
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

    /// Reduces a failing run of the application to a shorter one that still fails, within a budget of runs.
    let shrinkWithin (maxRuns: int) (application: SimulatedApplication) (failing: SimulationOptions) (report: SimulationReport) =
        let watch = Stopwatch.StartNew()
        let mutable runs = 0
        let mutable best = failing
        let mutable bestReport = report
        let tryRun (options: SimulationOptions) =
            if runs >= maxRuns then false
            else
                runs <- runs + 1
                let candidate = SimulationRun.run application options
                if candidate.Passed then false
                else
                    best <- options
                    bestReport <- candidate
                    true
        let reshape steps tenants nodes faults = best.Reshaped(best.Seed, steps, tenants, nodes, faults)
        let shrinkSteps () =
            // The violation showed by step StepsTaken; the smallest failing prefix is searched below it.
            let mutable high = min best.Steps (max 1L bestReport.StepsTaken)
            if high < best.Steps && not (tryRun (reshape high best.Tenants best.Nodes best.Faults)) then high <- best.Steps
            let mutable low = 0L
            while low + 1L < high && runs < maxRuns do
                let middle = low + (high - low) / 2L
                if tryRun (reshape middle best.Tenants best.Nodes best.Faults) then high <- middle else low <- middle
        shrinkSteps ()
        if best.Faults.Active.Count > 0 then tryRun (reshape best.Steps best.Tenants best.Nodes FaultRates.None) |> ignore
        for tenants in 1 .. best.Tenants - 1 do
            if tenants < best.Tenants then tryRun (reshape best.Steps tenants best.Nodes best.Faults) |> ignore
        if best.Nodes > 1 then tryRun (reshape best.Steps best.Tenants 1 best.Faults) |> ignore
        for kind in best.Faults.Active do
            tryRun (reshape best.Steps best.Tenants best.Nodes (best.Faults.Without kind)) |> ignore
        shrinkSteps ()
        { Original = failing; Reduced = best; Report = bestReport; Runs = runs; Elapsed = watch.Elapsed }

    /// Reduces a failing run, within 200 runs.
    let shrink application failing report = shrinkWithin 200 application failing report
