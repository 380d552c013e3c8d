// An application as the deterministic simulator runs it: the framework's definitions (a registry of commands,
// queries and read models; processors; periodic tasks), its users, and a workload generator. Randomness comes in
// through IChooser, which only shells implement (with a seeded generator), so a workload stays a pure function
// of its choices.
namespace Hybrid.Simulation

open Hybrid

/// The choices a workload generator makes, supplied by the shell from a seeded generator.
type IChooser =
    /// A number from 0 to count - 1.
    abstract Next: count: int -> int
    /// True with the given probability (0 to 1).
    abstract Chance: probability: float -> bool

/// A user of a simulated tenant; the anonymous caller is a user with an empty name and no roles.
type SimulatedUser = { Name: string; Roles: string[] }

/// A command a simulated user sends: the registered command's name, its typed payload and a readable line.
type SimulatedRequest =
    { Command: string
      Payload: obj
      /// A readable line, e.g. "AddItem list-3 'milk'".
      Text: string }

/// A whole application for the simulator.
type SimulatedApplication =
    { Name: string
      /// Commands, queries and read models.
      Registry: Registry
      Processors: TodoProcessor list
      /// Process managers: each runs as a processor of its name; every node also fires their deadlines.
      ProcessManagers: ProcessManager list
      PeriodicTasks: PeriodicTask list
      /// The kinds of effect the processors return: the simulation registers a handler for each that records its runs.
      EffectKinds: string list
      /// The users every tenant has.
      Users: SimulatedUser list
      /// The next command a user tries, as the chooser decides (the shell picks the tenant and the user).
      NextCommand: IChooser -> SimulatedUser -> SimulatedRequest }

/// Rules the shell and the invariants share.
module Simulated =

    /// The actor recorded on events a processor emits (as the processor engine records it).
    let processorActor (processor: string) = $"processor:{processor}"

    /// True when the event is one of the processor's topics.
    let isTopic (processor: TodoProcessor) (e: RecordedEvent) =
        processor.Topics |> Array.exists (fun item -> EventQuery.itemMatches item e.Type e.Tags)

    /// Every processor the nodes run: the application's processors, then its process managers'.
    let processors (app: SimulatedApplication) = app.Processors @ (app.ProcessManagers |> List.map ProcessManager.toProcessor)

    /// The read models of the application.
    let readModels (app: SimulatedApplication) = Registry.valuesOf<ReadModelDefinition> DefinitionKind.ReadModel app.Registry

    /// The commands of the application.
    let commands (app: SimulatedApplication) = Registry.valuesOf<CommandDefinition> DefinitionKind.Command app.Registry
