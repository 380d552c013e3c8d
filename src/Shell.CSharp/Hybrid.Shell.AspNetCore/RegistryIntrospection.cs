using System.Text;

namespace Hybrid.Shell.Http;

/// <summary>What an application registered, for the HTTP adapter's JSON and for hosts to print.</summary>
public static class RegistryIntrospection
{
    /// <summary>
    /// The definitions grouped by kind: each with its name and facts (emitted event types, topics, schedules…), and for
    /// commands and queries the JSON Schema of the payload they read.
    /// </summary>
    public static Dictionary<string, object> Describe(Registry registry)
    {
        var groups = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<DefinitionKind>())
        {
            groups[GroupName(kind)] = RegistryModule.ofKind(kind, registry).Select(Entry).ToArray();
        }
        return groups;
    }

    /// <summary>What <see cref="Describe(Registry)"/> gives, and how the HTTP adapter is called (<c>http</c>).</summary>
    public static Dictionary<string, object> Describe(HybridHttpOptions options)
    {
        var described = Describe(options.Registry);
        described["http"] = HttpDescription.Of(options);
        return described;
    }

    private static Dictionary<string, object?> Entry(Definition d)
    {
        var entry = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["name"] = d.Name,
            ["facts"] = d.Describe.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()),
        };
        var payload = d.Value switch
        {
            CommandDefinition command => command.Payload,
            QueryDefinition query => query.Payload,
            _ => null,
        };
        if (payload is not null) entry["payload"] = PayloadSchema.Of(payload);
        return entry;
    }

    /// <summary>The definitions as indented text, one per line with its facts.</summary>
    public static string ToText(Registry registry)
    {
        var text = new StringBuilder();
        foreach (var kind in Enum.GetValues<DefinitionKind>())
        {
            var definitions = RegistryModule.ofKind(kind, registry).ToArray();
            if (definitions.Length == 0) continue;
            text.AppendLine($"{GroupName(kind)}:");
            foreach (var d in definitions)
            {
                var facts = string.Join("; ", d.Describe.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}"));
                text.AppendLine(facts.Length == 0 ? $"  {d.Name}" : $"  {d.Name}  ({facts})");
            }
        }
        return text.ToString();
    }

    private static string GroupName(DefinitionKind kind) => kind switch
    {
        DefinitionKind.Decider => "deciders",
        DefinitionKind.Command => "commands",
        DefinitionKind.Query => "queries",
        DefinitionKind.ReadModel => "readModels",
        DefinitionKind.Processor => "processors",
        DefinitionKind.PeriodicTask => "periodicTasks",
        DefinitionKind.Upcaster => "upcasters",
        _ => kind.ToString(),
    };
}
