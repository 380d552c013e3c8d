// Combinators for users' own command generators: typed payloads become requests for registered commands, requests
// get callers, sequences of them run on the pure definitions into application histories, and a generator becomes a
// simulation's workload.
namespace Hybrid.Testing

open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Simulation

/// Generators of command requests.
module Commands =

    /// Requests for the registered command, from a generator of its typed payloads.
    let named (command: string) (payloads: Gen<'P>) : Gen<SimulatedRequest> =
        payloads |> Gen.map (fun p -> { Command = command; Payload = box p; Text = $"{command} {JsonPayload.serialize p}" })

    /// Any one of the generators, equally often.
    let oneOf (requests: Gen<SimulatedRequest> list) = Gen.oneof requests

    /// The generators, as often as their weights say.
    let weighted (requests: (int * Gen<SimulatedRequest>) list) = Gen.frequency requests

    /// Requests paired with the callers who send them.
    let sentBy (callers: Gen<Caller>) (requests: Gen<SimulatedRequest>) : Gen<Caller * SimulatedRequest> = Gen.zip callers requests

    /// Runs requests one after another on the pure definitions, each deciding against the log the earlier ones built;
    /// the log, recorded in valid order (positions, stream versions; the caller as each event's actor).
    let run (registry: Registry) (tenant: TenantId) (requests: (Caller * SimulatedRequest) list) : RecordedEvent[] =
        let step (log: RecordedEvent[]) (caller: Caller, request: SimulatedRequest) =
            let scenario =
                Scenario.named request.Text
                |> Scenario.inTenant tenant
                |> Scenario.whenCommand registry caller request.Command request.Payload
            match PureRun.runOn log scenario with
            | Observed.Wrote events when not events.IsEmpty ->
                let start = log.Length
                let appended = History.appendAt History.epoch log events
                appended
                |> Array.mapi (fun i e ->
                    if i < start then e
                    else { e with Tenant = tenant; Metadata = { EventMetadata.Empty with Actor = caller.Actor } })
            | _ -> log
        requests |> List.fold step [||]

    /// Application histories: generated requests by generated callers, run on the pure definitions.
    let history (registry: Registry) (tenant: TenantId) (requests: Gen<Caller * SimulatedRequest>) : Gen<RecordedEvent[]> =
        Gen.listOf requests |> Gen.map (run registry tenant)

    /// A simulation workload (SimulatedApplication.NextCommand) from a generator: each choice seeds the generator
    /// from the simulation's chooser, so the run stays a function of its seed.
    let workload (requests: SimulatedUser -> Gen<SimulatedRequest>) : IChooser -> SimulatedUser -> SimulatedRequest =
        fun chooser user ->
            let seed = uint64 (chooser.Next System.Int32.MaxValue)
            Gen.sampleWithSeed (Rnd seed) 10 1 (requests user) |> Array.head
