using System.Collections.Immutable;

namespace Hybrid.Shell.Commands;

/// <summary>The command definitions in force, by name; a migration swaps an aggregate's commands atomically.</summary>
public sealed class CommandCatalog
{
    private ImmutableDictionary<string, CommandDefinition> _byName;

    /// <summary>A catalog of these definitions; names must be distinct.</summary>
    public CommandCatalog(IEnumerable<CommandDefinition> definitions)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, CommandDefinition>(StringComparer.Ordinal);
        foreach (var d in definitions)
        {
            if (!builder.TryAdd(d.Name, d)) throw new ArgumentException($"Two commands are named '{d.Name}'.", nameof(definitions));
        }
        _byName = builder.ToImmutable();
    }

    /// <summary>A catalog of a registry's commands.</summary>
    public static CommandCatalog Of(Registry registry) => new(WriteSide.commands(registry));

    /// <summary>The definition in force under the name.</summary>
    public bool TryGet(string name, out CommandDefinition definition) =>
        Volatile.Read(ref _byName).TryGetValue(name, out definition!);

    /// <summary>Every definition in force.</summary>
    public IReadOnlyCollection<CommandDefinition> All => Volatile.Read(ref _byName).Values.ToArray();

    /// <summary>Replaces (or adds) definitions by name, all at once.</summary>
    public void Replace(IEnumerable<CommandDefinition> definitions)
    {
        var list = definitions.ToArray();
        ImmutableInterlocked.Update(ref _byName, current => current.SetItems(list.Select(d => KeyValuePair.Create(d.Name, d))));
    }
}
