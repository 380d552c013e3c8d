// Running users' applications in the deterministic simulator: their invariants beside the built-in ones, and a
// replay line that names every option a run depends on.
namespace Hybrid.Testing

open System
open Hybrid.Simulation
open Hybrid.InMemory.Simulation

/// Running simulations of an application.
module SimulationRun =

    let private faultsText (faults: FaultRates) =
        faults.Active
        |> Seq.map (fun k -> $"{k} = {faults.Of k}")
        |> String.concat ", "

    let private sabotage (planted: Sabotage) =
        planted.ToString().Split(", ") |> Array.map (fun name -> $"Sabotage.{name}") |> String.concat " ||| "

    /// The options as an F# expression that replays the run: seed, steps, tenants, nodes and fault rates, and every
    /// other option that shapes the run when it is not the default (databases, start, step advance, lease, sabotage,
    /// check interval).
    let describe (options: SimulationOptions) =
        let faults =
            if options.Faults = FaultRates.Default then "FaultRates.Default"
            elif options.Faults = FaultRates.None then "FaultRates.None"
            else $"FaultRates({faultsText options.Faults})"
        let defaults = SimulationOptions()
        let unless isDefault (text: string) = if isDefault then "" else ", " + text
        let span (t: TimeSpan) = $"TimeSpan.FromTicks {t.Ticks}L"
        let start = options.Start
        let shape =
            unless (options.Databases = defaults.Databases) $"Databases = {options.Databases}"
            + unless (options.Start = defaults.Start) $"Start = DateTimeOffset({start.Ticks}L, {span start.Offset})"
            + unless (options.MaxStepAdvance = defaults.MaxStepAdvance) $"MaxStepAdvance = {span options.MaxStepAdvance}"
            + unless (options.LeaseDuration = defaults.LeaseDuration) $"LeaseDuration = {span options.LeaseDuration}"
            + unless (options.Sabotage = defaults.Sabotage) ("Sabotage = " + sabotage options.Sabotage)
            + unless (options.CheckEvery = defaults.CheckEvery) $"CheckEvery = {options.CheckEvery}"
        $"SimulationOptions(Seed = {options.Seed}, Steps = {options.Steps}L, Tenants = {options.Tenants}, Nodes = {options.Nodes}, Faults = {faults}{shape})"

    /// The options with the kit's replay line (unless they have one) and the invariants added.
    let prepare (invariants: Invariant list) (options: SimulationOptions) =
        options.WithInvariants(invariants, (if isNull options.DescribeReplay then Func<SimulationOptions, string>(describe) else null))

    /// Runs the application once with the options (their invariants included); the report.
    let run (application: SimulatedApplication) (options: SimulationOptions) =
        use simulator = new Simulator(application, prepare [] options)
        simulator.Run()
