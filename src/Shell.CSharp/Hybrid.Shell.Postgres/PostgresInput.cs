namespace Hybrid.Shell.Postgres;

/// <summary>
/// Checks PostgreSQL adds to the shared input checks: text columns cannot hold NUL characters and jsonb cannot hold
/// the \u0000 escape. Caught here, before anything is queued, so one bad append never fails a whole group commit.
/// </summary>
internal static class PostgresInput
{
    public static void Append(AppendRequest request)
    {
        var events = request.Events;
        for (var i = 0; i < events.Length; i++)
        {
            var data = events[i].Data;
            NoNul(request.Tenant, $"events[{i}].Type", data.Type);
            if (data.Stream is not null) NoNul(request.Tenant, $"events[{i}].Stream", data.Stream);
            for (var t = 0; t < data.Tags.Length; t++) NoNul(request.Tenant, $"events[{i}].Tags[{t}]", data.Tags[t]);
            if (data.Body.Contains("\\u0000", StringComparison.OrdinalIgnoreCase) && HasNulString(data.Body))
                Fail(request.Tenant, $"events[{i}].Body", $"the body of a '{data.Type}' event holds a \\u0000 character, which jsonb cannot store.");
        }
        if (request.Checkpoint is { } c) NoNul(request.Tenant, "checkpoint.Processor", c.Value.Processor);
    }

    public static void NoNul(string tenant, string field, string? value)
    {
        if (value is not null && value.Contains('\0')) Fail(tenant, field, "it contains a NUL character.");
    }

    private static bool HasNulString(string json)
    {
        var reader = new System.Text.Json.Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
            if (reader.TokenType is System.Text.Json.JsonTokenType.String or System.Text.Json.JsonTokenType.PropertyName
                && reader.ValueIsEscaped && reader.GetString()!.Contains('\0'))
                return true;
        return false;
    }

    private static void Fail(string tenant, string field, string message) =>
        throw new InvalidInputException(field, $"Tenant '{tenant}': {field}: {message}");
}
