// The registry of an application's definitions: names are unique per kind, and every entry describes itself
// (event types, topics, schedules) so hosts and the HTTP adapter can list what an application does.
namespace Hybrid

/// The kinds of definitions an application registers.
type DefinitionKind =
    | Decider = 0
    | Command = 1
    | Query = 2
    | ReadModel = 3
    | Processor = 4
    | PeriodicTask = 5
    | Upcaster = 6

/// One registered definition: its name, what it says of itself, and the definition record (typed by its kind).
type Definition =
    { Kind: DefinitionKind
      Name: string
      /// Facts for introspection, e.g. "emits" → event types, "topics" → event types, "schedule" → a cron expression.
      Describe: Map<string, string list>
      Value: obj }

/// An immutable set of definitions.
type Registry =
    private
        { Entries: Map<struct (DefinitionKind * string), Definition>
          Ordered: Definition list }

    /// Every definition, in registration order.
    member r.All = List.rev r.Ordered

/// Building and reading registries.
module Registry =

    /// A registry with nothing in it.
    let empty = { Entries = Map.empty; Ordered = [] }

    /// The kind in words, as messages name it ("periodic task", "read model").
    let kindName (kind: DefinitionKind) =
        match kind with
        | DefinitionKind.ReadModel -> "read model"
        | DefinitionKind.PeriodicTask -> "periodic task"
        | k -> k.ToString().ToLowerInvariant()

    /// Adds a definition; an error naming it when its kind already has that name or the name breaks the name rule
    /// (Validation.name: 1 to 100 letters, digits, '-', '_' or '.').
    let tryAdd (definition: Definition) (registry: Registry) =
        let key = struct (definition.Kind, definition.Name)
        let kind = kindName definition.Kind
        let article = if kind.StartsWith "u" then "An" else "A"
        // Names are keys (in routes, leases, checkpoints, caches): the validator's name rule, except upcasters' "type@version".
        let nameRule =
            if definition.Kind = DefinitionKind.Upcaster then Ok()
            else Validation.name kind "name" definition.Name
        if System.String.IsNullOrWhiteSpace definition.Name then
            Error $"{article} {kind} definition has an empty name."
        else
            match nameRule with
            | Error e -> Error e.Message
            | Ok() when registry.Entries.ContainsKey key ->
                Error $"{article} {kind} named '{definition.Name}' is already registered."
            | Ok() -> Ok { Entries = registry.Entries.Add(key, definition); Ordered = definition :: registry.Ordered }

    /// Adds a definition; throws ArgumentException on a duplicate or empty name.
    let add (definition: Definition) (registry: Registry) =
        match tryAdd definition registry with
        | Ok r -> r
        | Error message -> invalidArg "definition" message

    /// The definition of that kind and name.
    let tryFind (kind: DefinitionKind) (name: string) (registry: Registry) = registry.Entries.TryFind(struct (kind, name))

    /// The definitions of a kind, in registration order.
    let ofKind (kind: DefinitionKind) (registry: Registry) = registry.All |> List.filter (fun d -> d.Kind = kind)

    /// The values of a kind that are a 'T, in registration order (processors and producers share a kind).
    let valuesOf<'T> (kind: DefinitionKind) (registry: Registry) =
        ofKind kind registry |> List.choose (fun d -> match d.Value with :? 'T as value -> Some value | _ -> None)
