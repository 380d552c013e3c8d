using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.ReadModels;

/// <summary>Adds read models to a <see cref="Registry"/> (as DefinitionKind.ReadModel, described by their event types).</summary>
public static class ReadModelRegistration
{
    /// <summary>The registry with the read model added; throws ArgumentException on an invalid model or a duplicate name.</summary>
    public static Registry AddReadModel(this Registry registry, ReadModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var valid = ReadModel.validate(model);
        if (valid.IsError) throw new ArgumentException(valid.ErrorValue, nameof(model));
        return RegistryModule.add(Describe(model), registry);
    }

    /// <summary>The registry definition of a read model: "events", "version", "layout" and "scope" facts.</summary>
    public static Definition Describe(ReadModelDefinition model)
    {
        var layout = model.Layout switch
        {
            ReadModelLayout.Segmented s => $"segmented:{s.segments}",
            ReadModelLayout.Partitioned p => $"partitioned:{p.indexSegments}",
            _ => "monolithic",
        };
        var scope = model.Scope switch
        {
            ReadModelScope.ByTags => "tags",
            ReadModelScope.ByPartitionKey => "partition-key",
            ReadModelScope.CustomQuery => "custom-query",
            _ => "tenant",
        };
        var facts = MapModule.OfArray(new[]
        {
            Tuple.Create("events", model.EventTypes),
            Tuple.Create("version", ListModule.OfArray(new[] { model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) })),
            Tuple.Create("layout", ListModule.OfArray(new[] { layout })),
            Tuple.Create("scope", ListModule.OfArray(new[] { scope })),
        });
        return new Definition(DefinitionKind.ReadModel, model.Name, facts, model);
    }

    /// <summary>The read models of a registry, in registration order.</summary>
    public static IReadOnlyList<ReadModelDefinition> ReadModels(this Registry registry) =>
        RegistryModule.valuesOf<ReadModelDefinition>(DefinitionKind.ReadModel, registry).ToArray();
}
