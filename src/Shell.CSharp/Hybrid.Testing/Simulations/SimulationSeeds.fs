// Seeds for simulation tests written as xunit theories: one test case per seed, and a failed seed replayed alone.
namespace Hybrid.Testing

open System
open Xunit.Sdk

/// <summary>
/// Feeds an xunit theory one simulation seed per test case, so each seed passes or fails on its own and a failure
/// names its seed: <c>[Theory, SimulationSeeds(5)]</c> runs seeds 1 to 5; <c>First = 100</c> starts elsewhere.
/// When the environment variable <c>HYBRID_SIMULATION_SEED</c> holds a seed, the theory runs that seed alone: the
/// replay of a failure that <c>Simulation.check</c> printed.
/// </summary>
/// <example>
/// <code>
/// [Theory, SimulationSeeds(5)]
/// public void the_sample_keeps_its_invariants(int seed) =>
///     Simulation.check(Application.simulated, new SimulationOptions { Seed = seed, Steps = 3_000, Invariants = [.. SampleInvariants.all] });
/// </code>
/// </example>
[<AttributeUsage(AttributeTargets.Method, AllowMultiple = false)>]
type SimulationSeedsAttribute(count: int) =
    inherit DataAttribute()

    /// The environment variable that replays one seed.
    static member ReplayVariable = "HYBRID_SIMULATION_SEED"

    /// The seeds a theory runs: <paramref name="count"/> seeds from <paramref name="first"/>, or the one seed in
    /// <paramref name="replay"/> when it holds one (anything else there is an error naming the variable).
    static member Seeds(count: int, first: int, replay: string) : int list =
        if count < 1 then invalidArg (nameof count) $"SimulationSeeds needs at least one seed; {count} were asked for."
        if String.IsNullOrWhiteSpace replay then [ first .. first + count - 1 ]
        else
            match Int32.TryParse(replay.Trim()) with
            | true, seed -> [ seed ]
            | _ -> invalidArg SimulationSeedsAttribute.ReplayVariable $"{SimulationSeedsAttribute.ReplayVariable} holds '{replay}', which is not a seed (a whole number)."

    /// The first seed (1 by default).
    member val First = 1 with get, set

    /// How many seeds the theory runs (unless one is replayed).
    member _.Count = count

    override this.GetData(_testMethod) =
        SimulationSeedsAttribute.Seeds(count, this.First, Environment.GetEnvironmentVariable SimulationSeedsAttribute.ReplayVariable)
        |> Seq.map (fun seed -> [| box seed |])
