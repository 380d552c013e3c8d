// An application as the deterministic simulator runs it: commands bound to their arguments, read models,
// processors and periodic tasks, all pure functions over events. Randomness comes in through IChooser,
// which only shells implement (with a seeded generator), so a workload stays a pure function of its choices.
namespace Hybrid.Simulation

open System
open Hybrid

/// The choices a workload generator makes, supplied by the shell from a seeded generator.
type IChooser =
    /// A number from 0 to count - 1.
    abstract Next: count: int -> int
    /// True with the given probability (0 to 1).
    abstract Chance: probability: float -> bool

/// What a command decides from the events its lookup found.
type SimulatedOutcome =
    /// The events to append, with a sentence describing the result.
    | Accepted of events: EventData list * result: string
    /// A business rule refused the command; nothing is written.
    | Rejected of reason: string

/// A command bound to its arguments: the shell authorizes it, runs the lookup, calls Decide with what it found
/// and appends the events on condition that nothing matching the lookup appeared since (lookup, operate, write).
type SimulatedCommand =
    { Name: string
      /// A readable line, e.g. "AddItem list-3 'milk'".
      Text: string
      /// Denies by default: true only for callers allowed to run it.
      Authorize: Caller -> bool
      Lookup: EventQuery
      Decide: Caller -> RecordedEvent[] -> SimulatedOutcome }

/// A read model: a fold over the events of some types, its state compared by structural equality.
type SimulatedReadModel =
    { Name: string
      EventTypes: string[]
      Initial: obj
      Evolve: obj -> RecordedEvent -> obj }

/// How often an effect may run per source event.
type EffectDelivery =
    /// The checkpoint is written before the effect runs: a crash in between loses the effect.
    | AtMostOnce
    /// The effect runs before the checkpoint is written: a crash in between runs it again.
    | AtLeastOnce

/// An effect as data: interpreted by an effect handler the shell registers.
type EffectIntent =
    { Kind: string
      /// A readable line, e.g. "email ann@example.com: You are invited".
      Text: string }

/// What a processor does with one event.
type SimulatedProcessorResult =
    /// Events appended atomically with the processor's checkpoint.
    | Emit of EventData list
    | Effect of EffectIntent * EffectDelivery
    | NoOp

/// A processor: a pure handler called for each event of its topics, in order, per tenant.
type SimulatedProcessor =
    { Name: string
      Topics: string[]
      Handle: RecordedEvent -> SimulatedProcessorResult }

/// A periodic task: the instants due in a window and the events a tick produces for a tenant.
type SimulatedPeriodicTask =
    { Name: string
      /// A readable schedule, e.g. "cron 0 0 1 * * (UTC)".
      Schedule: string
      /// The due instants in (after, upTo], oldest first.
      DueBetween: DateTimeOffset -> DateTimeOffset -> DateTimeOffset list
      /// The events for one tenant and due instant.
      OnTick: TenantId -> DateTimeOffset -> EventData list }

/// A user of a simulated tenant.
type SimulatedUser = { Name: string; Roles: string[] }

/// A whole application for the simulator.
type SimulatedApplication =
    { Name: string
      /// The users every tenant has (the shell adds an anonymous caller to probe authorization).
      Users: SimulatedUser list
      /// The next command a user tries, as the chooser decides (the shell picks the tenant and the user;
      /// the anonymous caller comes as a user with an empty name and no roles).
      NextCommand: IChooser -> SimulatedUser -> SimulatedCommand
      ReadModels: SimulatedReadModel list
      Processors: SimulatedProcessor list
      PeriodicTasks: SimulatedPeriodicTask list }

/// Naming rules the shell and the invariants share.
module Simulated =

    /// The tag that makes a periodic trigger unique per (task, due instant) within a tenant.
    let triggerTag (task: string) (due: DateTimeOffset) =
        $"trigger:{task}@{due.UtcDateTime:``yyyyMMdd'T'HHmmss'Z'``}"

    /// The actor recorded on events a processor emits.
    let processorActor (processor: string) = $"processor:{processor}"

    /// The actor recorded on events a periodic task appends.
    let taskActor (task: string) = $"periodic:{task}"
