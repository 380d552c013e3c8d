using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// The admin endpoints' JSON, written as the rest of the HTTP surface writes its values (camelCase members), with
/// enum values as camelCase names: a dead letter's status is <c>"pending"</c>, not <c>0</c>.
/// </summary>
internal static class AdminJson
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonPayload.options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The value as a JSON response.</summary>
    public static IResult Of<T>(T value) => Results.Json(value, Options);
}
