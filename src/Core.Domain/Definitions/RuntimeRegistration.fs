// Registering what the runtime runs (read models, processors, periodic tasks) beside the write side, so one
// registry describes a whole application and a host needs nothing else to wire it.
namespace Hybrid

/// Adding read models, processors and periodic tasks to a registry and reading them back.
module Runtime =

    let private facts (pairs: (string * string seq) list) = pairs |> List.map (fun (k, vs) -> k, List.ofSeq vs) |> Map.ofList

    /// Adds a read model; it describes the event types it folds.
    let addReadModel (model: ReadModelDefinition) (registry: Registry) =
        Registry.add
            { Kind = DefinitionKind.ReadModel; Name = model.Name; Describe = facts [ "events", model.EventTypes ]; Value = box model }
            registry

    /// Adds a todo processor; it describes its topics (event types, and tags as "tag kind:id").
    let addProcessor (processor: TodoProcessor) (registry: Registry) =
        let topics = processor.Topics |> Seq.collect (fun t -> Seq.append t.Types (t.Tags |> Seq.map (fun tag -> $"tag {tag}")))
        Registry.add
            { Kind = DefinitionKind.Processor; Name = processor.Name; Describe = facts [ "topics", topics ]; Value = box processor }
            registry

    /// Adds a producer (a processor that publishes to a broker); it describes what it publishes.
    let addProducer (producer: Producer) (registry: Registry) =
        let topics = producer.Topics |> Seq.collect (fun t -> Seq.append t.Types (t.Tags |> Seq.map (fun tag -> $"tag {tag}")))
        Registry.add
            { Kind = DefinitionKind.Processor; Name = producer.Name; Describe = facts [ "publishes", topics ]; Value = box producer }
            registry

    /// Adds a periodic task; it describes its schedule and what happens to missed instants. A task that cannot run (a
    /// malformed cron expression, no time zone, an interval below a second, CatchUp 0, a malformed tenant) is refused
    /// here, when it is defined, with an ArgumentException naming the task and the fault (Schedules.problems).
    let addPeriodicTask (task: PeriodicTask) (registry: Registry) =
        let added =
            Registry.add
                { Kind = DefinitionKind.PeriodicTask
                  Name = task.Name
                  Describe = facts [ "schedule", [ string task.Schedule ]; "missed", [ string task.MissedFires ] ]
                  Value = box task }
                registry
        match Schedules.problems task with
        | [] -> added
        | problems -> invalidArg "task" (String.concat " " problems)

    /// The registered read models, in registration order.
    let readModels (registry: Registry) = Registry.valuesOf<ReadModelDefinition> DefinitionKind.ReadModel registry

    /// The registered processors, in registration order.
    let processors (registry: Registry) = Registry.valuesOf<TodoProcessor> DefinitionKind.Processor registry

    /// The registered periodic tasks, in registration order.
    let periodicTasks (registry: Registry) = Registry.valuesOf<PeriodicTask> DefinitionKind.PeriodicTask registry
