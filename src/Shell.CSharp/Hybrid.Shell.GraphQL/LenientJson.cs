using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// Reads a GraphQL request the serializer refused: one whose strings hold an escaped lone surrogate (<c>"\ud800"</c>),
/// which the JSON reader will not turn into .NET strings, is read here with the lone surrogate kept, so the document
/// runs and the argument reaches the core's payload rule, which names the field; any other is refused naming the member
/// at fault.
/// </summary>
internal static class LenientJson
{
    /// <summary>
    /// The request, or the error naming the member at fault: the body must be well-formed JSON, an object whose <c>query</c> is a string, <c>operationName</c> a string or null, <c>variables</c> and
    /// <c>extensions</c> objects or null. Other members are ignored.
    /// </summary>
    public static (GraphQLRequest? Request, Validation.Error? Error) Request(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            return Fail("body", $"The body is not well-formed JSON (line {(e.LineNumber ?? 0) + 1}, byte {e.BytePositionInLine ?? 0}).");
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            return Fail("body", "The body must be a JSON object with 'query' (and optionally 'variables', 'operationName').");
        var request = new GraphQLRequest();
        foreach (var property in root.EnumerateObject())
        {
            var (value, kind) = (property.Value, property.Value.ValueKind);
            switch (property.Name)
            {
                case "query":
                    if (kind != JsonValueKind.String) return Fail("query", "'query' must be a string: the GraphQL document.");
                    request.Query = Text(value);
                    break;
                case "operationName":
                    if (kind is not (JsonValueKind.String or JsonValueKind.Null)) return Fail("operationName", "'operationName' must be a string or null.");
                    request.OperationName = kind == JsonValueKind.Null ? null : Text(value);
                    break;
                case "variables" or "extensions":
                    if (kind is not (JsonValueKind.Object or JsonValueKind.Null))
                        return Fail(property.Name, $"'{property.Name}' must be an object (name → value) or null.");
                    if (property.Name == "variables" && kind == JsonValueKind.Object) request.Variables = new Inputs((Dictionary<string, object?>)Value(value)!);
                    break;
            }
        }
        return (request, null);
    }

    private static (GraphQLRequest?, Validation.Error?) Fail(string field, string message) => (null, new Validation.Error(field, message));

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
