using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GraphQL.Resolvers;
using GraphQL.Types;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// GraphQL types from the JSON shapes of .NET types, as the definitions' JSON conventions
/// (<see cref="JsonPayload.options"/>) read and write them: records become object (or input object) types with their
/// JSON property names, collections lists, numbers Int/Long/Float, options and nullables nullable; maps, unions and
/// anything else JSON alone describes become the <c>JSON</c> scalar. Output values are the JSON the HTTP adapter would
/// write, so both adapters answer with the same data.
/// </summary>
internal sealed class JsonShapes
{
    private readonly Dictionary<(Type, bool), IGraphType> _types = [];
    private readonly HashSet<string> _names;

    public JsonShapes(IEnumerable<string> reservedNames) => _names = new HashSet<string>(reservedNames, StringComparer.Ordinal);

    /// <summary>The JSON scalar shared by every field that needs it.</summary>
    public JsonScalarGraphType Json { get; } = new();

    /// <summary>A free type name based on <paramref name="wanted"/>.</summary>
    public string Name(string wanted)
    {
        var name = GraphQLNames.Sanitize(wanted);
        var candidate = name;
        for (var n = 2; !_names.Add(candidate); n++) candidate = $"{name}{n}";
        return candidate;
    }

    /// <summary>The (nullable) output type of a .NET type.</summary>
    public IGraphType Output(Type type) => Of(type, input: false);

    /// <summary>The (nullable) input type of a .NET type.</summary>
    public IGraphType Input(Type type) => Of(type, input: true);

    private IGraphType Of(Type type, bool input)
    {
        if (Unwrapped(type) is { } inner) return Of(inner, input);
        if (Scalar(type) is { } scalar) return scalar;
        if (type == typeof(object)) return Json;
        if (_types.TryGetValue((type, input), out var known)) return known;
        JsonTypeInfo info;
        try { info = JsonPayload.options.GetTypeInfo(type); }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException) { return Json; }
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } element:
                var list = new ListGraphType(Of(element, input));
                _types[(type, input)] = list;
                return list;
            case JsonTypeInfoKind.Object when info.Properties.Count > 0 && info.Converter.GetType().Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true:
                return input ? InputObject(type, info) : OutputObject(type, info);
            default:
                return Json;
        }
    }

    private IGraphType OutputObject(Type type, JsonTypeInfo info)
    {
        var graph = new ObjectGraphType { Name = Name(TypeName(type)) };
        _types[(type, false)] = graph;
        foreach (var property in info.Properties.Where(p => p.Get is not null))
        {
            var fieldType = Of(property.PropertyType, input: false);
            if (property.PropertyType.IsValueType && Unwrapped(property.PropertyType) is null) fieldType = new NonNullGraphType(fieldType);
            var jsonName = property.Name;
            graph.AddField(new FieldType
            {
                Name = GraphQLNames.Sanitize(jsonName),
                ResolvedType = fieldType,
                Resolver = new FuncFieldResolver<object?>(ctx =>
                    ctx.Source is JsonElement { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(jsonName, out var value)
                        ? Value(value, ctx.FieldDefinition.ResolvedType!)
                        : null),
            });
        }
        return graph;
    }

    private IGraphType InputObject(Type type, JsonTypeInfo info)
    {
        var graph = new InputObjectGraphType { Name = Name(TypeName(type) + "Input") };
        _types[(type, true)] = graph;
        foreach (var property in info.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null))
            graph.AddField(new FieldType { Name = GraphQLNames.Sanitize(property.Name), ResolvedType = Of(property.PropertyType, input: true) });
        return graph.Fields.Count == 0 ? Json : graph;
    }

    /// <summary>A JSON value as the GraphQL type expects it: primitives for scalars, elements for objects, lists of either.</summary>
    public static object? Value(JsonElement value, IGraphType type)
    {
        if (type is NonNullGraphType nonNull) type = nonNull.ResolvedType!;
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        return type switch
        {
            JsonScalarGraphType => value,
            ListGraphType list => value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => Value(v, list.ResolvedType!)).ToList() : null,
            IntGraphType => value.TryGetInt32(out var i) ? i : null,
            LongGraphType => value.TryGetInt64(out var l) ? l : null,
            FloatGraphType => value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null,
            BooleanGraphType => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null,
            ScalarGraphType => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(),
            _ => value,
        };
    }

    private static Type? Unwrapped(Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(FSharpOption<>) || definition == typeof(FSharpValueOption<>) || definition == typeof(Nullable<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static IGraphType? Scalar(Type type)
    {
        if (type == typeof(string) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTimeOffset)
            || type == typeof(DateTime) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly))
            return new StringGraphType();
        if (type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort))
            return new IntGraphType();
        if (type == typeof(long) || type == typeof(uint) || type == typeof(ulong)) return new LongGraphType();
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new FloatGraphType();
        if (type == typeof(bool)) return new BooleanGraphType();
        if (type.IsEnum) return new IntGraphType();
        return null;
    }

    private static string TypeName(Type type) =>
        type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`')] + "Of" + string.Concat(type.GetGenericArguments().Select(TypeName))
            : type.Name;
}
