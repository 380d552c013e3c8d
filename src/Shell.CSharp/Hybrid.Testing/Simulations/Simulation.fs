// Simulations of users' own applications as tests: run with their invariants, shrink a failure, and fail the test
// with the violation and the reduced replay line.
namespace Hybrid.Testing

open System
open Hybrid.Simulation
open Hybrid.InMemory.Simulation
open Xunit.Abstractions

/// A simulation that broke an invariant; the message names it, with the original and the reduced replay lines.
type SimulationFailedException(message: string, report: SimulationReport, shrunk: ShrinkResult option) =
    inherit Exception(message)

    /// The failing run's report.
    member _.Report = report

    /// The reduction, when shrinking ran.
    member _.Shrunk = shrunk

/// Simulations of users' applications.
[<RequireQualifiedAccess>]
module Simulation =

    /// The default options (seed 1, 10,000 steps, 4 tenants, 2 nodes, every fault kind).
    let defaults = SimulationOptions()

    /// Runs the application with the options and these invariants added to the built-in ones; the report.
    let runWith (invariants: Invariant list) (application: SimulatedApplication) (options: SimulationOptions) =
        SimulationRun.run application (SimulationRun.prepare invariants options)

    /// Runs the application with the options (and the invariants they carry); the report.
    let run (application: SimulatedApplication) (options: SimulationOptions) = runWith [] application options

    /// The line that replays a run with these options.
    let replayLine (options: SimulationOptions) = (SimulationRun.prepare [] options).ReplayCommand

    /// Shrinks a failing run to a shorter one that still fails.
    let shrink (application: SimulatedApplication) (options: SimulationOptions) (report: SimulationReport) =
        Shrinking.shrink application (SimulationRun.prepare [] options) report

    let private failure (report: SimulationReport) (shrunk: ShrinkResult option) =
        let violation = report.Violation
        let reduced =
            match shrunk with
            | Some s ->
                $"\n{s.Summary}\nReduced violation: {s.Report.Violation.Invariant}: {s.Report.Violation.Detail}\nReduced replay: {s.Reduced.ReplayCommand}"
            | None -> ""
        $"Simulation broke invariant '{violation.Invariant}' at step {violation.Step} (seed {violation.Seed}): {violation.Detail}\n"
        + $"Replay: {report.Options.ReplayCommand}{reduced}"

    /// Runs the simulation as a test: on a violation it shrinks the run, writes the replay lines to the output (when
    /// given) and throws SimulationFailedException naming the invariant and both replay lines.
    let checkWith (output: ITestOutputHelper) (application: SimulatedApplication) (options: SimulationOptions) =
        let options = SimulationRun.prepare [] options
        let report = SimulationRun.run application options
        if not report.Passed then
            let shrunk = Shrinking.shrink application options report
            let message = failure report (Some shrunk)
            if not (isNull output) then output.WriteLine message
            raise (SimulationFailedException(message, report, Some shrunk))
        report

    /// Runs the simulation as a test; throws SimulationFailedException (with the reduced replay line) on a violation.
    let check (application: SimulatedApplication) (options: SimulationOptions) = checkWith null application options
