using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// Reads a GraphQL request whose strings hold an escaped lone surrogate (<c>"\ud800"</c>), which the JSON reader refuses
/// to turn into .NET strings: strings are unescaped here, keeping the lone surrogate, so the document runs and the
/// argument reaches the core's payload rule, which names the field. Used only when the serializer refused the body.
/// </summary>
internal static class LenientJson
{
    /// <summary>The request, or null when the body is not a JSON object with a string <c>query</c>.</summary>
    public static GraphQLRequest? Request(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException) { return null; }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var request = new GraphQLRequest();
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "query" when property.Value.ValueKind == JsonValueKind.String:
                        request.Query = Text(property.Value);
                        break;
                    case "operationName" when property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                        request.OperationName = property.Value.ValueKind == JsonValueKind.Null ? null : Text(property.Value);
                        break;
                    case "variables" when property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null:
                        request.Variables = property.Value.ValueKind == JsonValueKind.Null ? null : new Inputs((Dictionary<string, object?>)Value(property.Value)!);
                        break;
                    case "extensions" when property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null:
                        break;
                    default:
                        return null;
                }
            }
            return request;
        }
    }

    private static object? Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => Value(p.Value), StringComparer.Ordinal),
        JsonValueKind.Array => element.EnumerateArray().Select(Value).ToList(),
        JsonValueKind.String => Text(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => Number(element),
        _ => null,
    };

    private static object Number(JsonElement element)
    {
        if (element.TryGetInt32(out var i)) return i;
        if (element.TryGetInt64(out var l)) return l;
        var raw = element.GetRawText();
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0 && BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return big;
        return element.TryGetDecimal(out var m) ? m : element.GetDouble();
    }

    /// <summary>A JSON string's text, unescaped, lone surrogates kept.</summary>
    private static string Text(JsonElement element)
    {
        try { return element.GetString()!; }
        catch (InvalidOperationException) { }
        var raw = element.GetRawText();
        var text = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length - 1; i++)
        {
            var c = raw[i];
            if (c != '\\') { text.Append(c); continue; }
            c = raw[++i];
            text.Append(c switch
            {
                'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t',
                'u' => (char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                _ => c,
            });
            if (c == 'u') i += 4;
        }
        return text.ToString();
    }
}
