using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// A field's <c>input</c> argument as the JSON text the processors read, written as the HTTP adapter's clients would
/// send it, with one difference from the serializer's default: a string holding a lone surrogate is written with it
/// escaped (<c>\ud800</c>) rather than replaced by U+FFFD, so the core's payload rule refuses it and names the field,
/// as it does over HTTP.
/// </summary>
internal static class InputJson
{
    private static readonly JsonSerializerOptions Options = new(JsonPayload.options) { Converters = { new KeepLoneSurrogates() } };

    /// <summary>The value as JSON text.</summary>
    public static string Of(object value) => JsonSerializer.Serialize(value, value.GetType(), Options);

    private sealed class KeepLoneSurrogates : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (TextRules.firstLoneSurrogate(value) < 0)
            {
                writer.WriteStringValue(value);
                return;
            }
            var quoted = new StringBuilder(value.Length + 8).Append('"');
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) quoted.Append(c).Append(value[++i]);
                else if (c is '"' or '\\') quoted.Append('\\').Append(c);
                else if (c < ' ' || char.IsSurrogate(c)) quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                else quoted.Append(c);
            }
            writer.WriteRawValue(quoted.Append('"').ToString(), skipInputValidation: true);
        }
    }
}
