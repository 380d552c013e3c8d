// Registering commands, queries, deciders and upcasters, each with the facts introspection shows.
namespace Hybrid

/// Adding write-side definitions to a registry and reading them back.
module WriteSide =

    /// Adds a command; it describes the event types it may emit and the aggregate it acts on.
    let addCommand (command: CommandDefinition) (registry: Registry) =
        let facts =
            [ "emits", command.Emits
              "authorized", [ (if command.Authorize.IsSome then "yes" else "no: refused") ] ]
            @ (if System.String.IsNullOrEmpty command.Aggregate then [] else [ "aggregate", [ command.Aggregate ] ])
        Registry.add { Kind = DefinitionKind.Command; Name = command.Name; Describe = Map.ofList facts; Value = box command } registry

    /// Adds a query; it describes the read models it reads.
    let addQuery (query: QueryDefinition) (registry: Registry) =
        let facts =
            [ "readModels", query.ReadModels
              "authorized", [ (if query.Authorize.IsSome then "yes" else "no: refused") ] ]
        Registry.add { Kind = DefinitionKind.Query; Name = query.Name; Describe = Map.ofList facts; Value = box query } registry

    /// Adds a decider by name with the event types of its codec (introspection only).
    let addDecider (name: string) (codec: EventCodec<'E>) (registry: Registry) =
        Registry.add { Kind = DefinitionKind.Decider; Name = name; Describe = Map.ofList [ "events", codec.EventTypes ]; Value = box codec } registry

    /// Adds an upcaster, named "type@version".
    let addUpcaster (upcaster: Upcaster) (registry: Registry) =
        Registry.add
            { Kind = DefinitionKind.Upcaster
              Name = $"{upcaster.EventType}@{upcaster.SchemaVersion}"
              Describe = Map.ofList [ "from", [ $"{upcaster.EventType} v{upcaster.SchemaVersion}" ] ]
              Value = box upcaster }
            registry

    /// The registered commands, in registration order.
    let commands (registry: Registry) = Registry.valuesOf<CommandDefinition> DefinitionKind.Command registry

    /// The registered queries, in registration order.
    let queries (registry: Registry) = Registry.valuesOf<QueryDefinition> DefinitionKind.Query registry

    /// The registered upcasters, in registration order (the chain order).
    let upcasters (registry: Registry) = Registry.valuesOf<Upcaster> DefinitionKind.Upcaster registry
