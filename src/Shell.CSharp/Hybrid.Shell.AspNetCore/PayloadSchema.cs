using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.FSharp.Reflection;

namespace Hybrid.Shell.Http;

/// <summary>
/// The JSON Schema of a command's or query's payload as <see cref="JsonPayload"/> reads it: System.Text.Json's own
/// schema for records, options and lists, with F# unions described case by case the way <see cref="UnionJsonConverter"/>
/// writes them. Objects allow no other properties, as the reader refuses unknown fields.
/// </summary>
public static class PayloadSchema
{
    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The schema of the type.</summary>
    public static JsonNode Of(Type type) => Of(type, JsonPayload.options, []);

    private static JsonNode Of(Type type, JsonSerializerOptions options, HashSet<Type> unions)
    {
        var exporter = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context.TypeInfo.Type, node, options, unions),
        };
        return JsonSchemaExporter.GetJsonSchemaAsNode(options, type, exporter);
    }

    private static JsonNode Transform(Type type, JsonNode node, JsonSerializerOptions options, HashSet<Type> unions)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Microsoft.FSharp.Core.FSharpOption<>))
            return new JsonObject { ["anyOf"] = new JsonArray(Of(type.GetGenericArguments()[0], options, unions), new JsonObject { ["type"] = "null" }) };
        if (UnionJsonConverter.IsUnion(type)) return Union(type, options, unions);
        if (node is JsonObject obj && obj["properties"] is JsonObject && !obj.ContainsKey("additionalProperties"))
            obj["additionalProperties"] = false;
        return node;
    }

    private static JsonNode Union(Type type, JsonSerializerOptions options, HashSet<Type> unions)
    {
        if (!unions.Add(type)) return new JsonObject { ["description"] = $"{type.Name} (recursive)" };
        try
        {
            var cases = FSharpType.GetUnionCases(type, Everything);
            if (cases is [{ } only] && only.GetFields() is [{ } single]) return Of(single.PropertyType, options, unions);
            var oneOf = new JsonArray();
            foreach (var c in cases)
            {
                var fields = c.GetFields();
                JsonNode value = fields.Length switch
                {
                    0 => new JsonObject { ["const"] = c.Name },
                    1 => Wrapped(c.Name, Of(fields[0].PropertyType, options, unions)),
                    _ => Wrapped(c.Name, Fields(fields, options, unions)),
                };
                oneOf.Add(value);
            }
            return new JsonObject { ["oneOf"] = oneOf };
        }
        finally
        {
            unions.Remove(type);
        }
    }

    private static JsonObject Fields(PropertyInfo[] fields, JsonSerializerOptions options, HashSet<Type> unions)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in fields)
        {
            var name = options.PropertyNamingPolicy?.ConvertName(field.Name) ?? field.Name;
            properties[name] = Of(field.PropertyType, options, unions);
            if (!(field.PropertyType.IsGenericType && field.PropertyType.GetGenericTypeDefinition() == typeof(Microsoft.FSharp.Core.FSharpOption<>)))
                required.Add(name);
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }

    private static JsonObject Wrapped(string caseName, JsonNode value) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { [caseName] = value },
        ["required"] = new JsonArray(caseName),
        ["additionalProperties"] = false,
    };
}
