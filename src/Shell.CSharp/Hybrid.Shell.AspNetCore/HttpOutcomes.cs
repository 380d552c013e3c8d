using Microsoft.AspNetCore.Http;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Http;

/// <summary>How command and query outcomes map to HTTP statuses and JSON bodies.</summary>
public static class HttpOutcomes
{
    /// <summary>
    /// Accepted 200, rejected 422, conflict 409, expected version out of date 412, unauthorized 403, invalid 400,
    /// unknown command or missing target 404, aggregate being migrated 503.
    /// </summary>
    public static int StatusOf(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Accepted => StatusCodes.Status200OK,
        CommandOutcome.Rejected => StatusCodes.Status422UnprocessableEntity,
        CommandOutcome.Conflict => StatusCodes.Status409Conflict,
        CommandOutcome.VersionMismatch => StatusCodes.Status412PreconditionFailed,
        CommandOutcome.Unauthorized => StatusCodes.Status403Forbidden,
        CommandOutcome.Invalid => StatusCodes.Status400BadRequest,
        CommandOutcome.UnknownCommand => StatusCodes.Status404NotFound,
        CommandOutcome.NotFound => StatusCodes.Status404NotFound,
        CommandOutcome.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Answered 200, unauthorized 403, invalid 400, unknown query or missing answer 404.</summary>
    public static int StatusOf(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered => StatusCodes.Status200OK,
        QueryOutcome.Unauthorized => StatusCodes.Status403Forbidden,
        QueryOutcome.Invalid => StatusCodes.Status400BadRequest,
        QueryOutcome.NotFound => StatusCodes.Status404NotFound,
        QueryOutcome.UnknownQuery => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The JSON body of a command outcome (views are added by read-your-writes).</summary>
    public static Dictionary<string, object?> BodyOf(CommandOutcome outcome) => outcome switch
    {
        CommandOutcome.Accepted a => new()
        {
            ["outcome"] = "accepted",
            ["events"] = a.Item.Events.Select(e => new
            {
                id = e.Id, position = e.Position, stream = e.Stream, streamVersion = e.StreamVersion, type = e.Type,
                metadata = MetadataOf(e.Metadata),
            }).ToArray(),
            ["position"] = a.Item.Position,
            ["result"] = ValueOf(a.Item.Result),
            ["triggerFailures"] = a.Item.TriggerFailures.Select(f => new { trigger = f.Trigger, error = f.Error }).ToArray(),
        },
        CommandOutcome.Rejected r => new()
        {
            ["outcome"] = "rejected", ["code"] = r.Item.Code, ["reason"] = r.Item.Reason,
            ["details"] = r.Item.Details.ToDictionary(kv => kv.Key, kv => kv.Value),
        },
        CommandOutcome.Conflict c => new() { ["outcome"] = "conflict", ["reason"] = c.reason, ["attempts"] = c.attempts },
        CommandOutcome.VersionMismatch v => new()
        {
            ["outcome"] = "version-mismatch", ["reason"] = v.Item.Reason, ["stream"] = v.Item.Stream, ["actualVersion"] = v.Item.ActualVersion,
        },
        CommandOutcome.Unauthorized u => new() { ["outcome"] = "unauthorized", ["reason"] = u.reason },
        CommandOutcome.Invalid i => Invalid(i.Item),
        CommandOutcome.UnknownCommand n => new() { ["outcome"] = "unknown-command", ["reason"] = $"There is no command named '{n.name}'." },
        CommandOutcome.NotFound n => new() { ["outcome"] = "not-found", ["reason"] = n.what },
        CommandOutcome.Unavailable u => new() { ["outcome"] = "unavailable", ["reason"] = u.reason, ["retryAfterSeconds"] = u.retryAfter.TotalSeconds },
        _ => new() { ["outcome"] = "unknown" },
    };

    /// <summary>The JSON body of a query outcome.</summary>
    public static Dictionary<string, object?> BodyOf(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered a => new() { ["outcome"] = "answered", ["value"] = a.value, ["position"] = a.position },
        QueryOutcome.Unauthorized u => new() { ["outcome"] = "unauthorized", ["reason"] = u.reason },
        QueryOutcome.Invalid i => Invalid(i.Item),
        QueryOutcome.NotFound n => new() { ["outcome"] = "not-found", ["reason"] = n.what },
        QueryOutcome.UnknownQuery n => new() { ["outcome"] = "unknown-query", ["reason"] = $"There is no query named '{n.name}'." },
        _ => new() { ["outcome"] = "unknown" },
    };

    /// <summary>An event's metadata as JSON: causation, correlation, actor, W3C trace context and the user-defined fields.</summary>
    public static Dictionary<string, object?> MetadataOf(EventMetadata metadata) => new()
    {
        ["causationId"] = metadata.CausationId,
        ["correlationId"] = metadata.CorrelationId,
        ["actor"] = metadata.Actor,
        ["traceparent"] = metadata.TraceParent,
        ["tracestate"] = metadata.TraceState,
        ["fields"] = metadata.Fields.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
    };

    /// <summary>An invalid-input body naming the field.</summary>
    public static Dictionary<string, object?> Invalid(Validation.Error error) =>
        new() { ["outcome"] = "invalid", ["field"] = error.Field, ["reason"] = error.Message };

    private static object? ValueOf(FSharpOption<object>? value) => FSharpOption<object>.get_IsSome(value) ? value!.Value : null;
}
