using Microsoft.AspNetCore.Http;
using Hybrid.Shell.Commands;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Http;

/// <summary>How command and query outcomes map to HTTP statuses and JSON bodies (problem documents for failures).</summary>
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
        _ => throw new InvalidOperationException($"Unknown command outcome {outcome.GetType().Name}."),
    };

    /// <summary>Answered 200, unauthorized 403, invalid 400, unknown query or missing answer 404.</summary>
    public static int StatusOf(QueryOutcome outcome) => outcome switch
    {
        QueryOutcome.Answered => StatusCodes.Status200OK,
        QueryOutcome.Unauthorized => StatusCodes.Status403Forbidden,
        QueryOutcome.Invalid => StatusCodes.Status400BadRequest,
        QueryOutcome.NotFound => StatusCodes.Status404NotFound,
        QueryOutcome.UnknownQuery => StatusCodes.Status404NotFound,
        _ => throw new InvalidOperationException($"Unknown query outcome {outcome.GetType().Name}."),
    };

    /// <summary>The JSON body of a command outcome: the accepted command, or a problem document (views are added by read-your-writes).</summary>
    public static Dictionary<string, object?> BodyOf(CommandOutcome outcome)
    {
        var status = StatusOf(outcome);
        switch (outcome)
        {
            case CommandOutcome.Accepted a:
                return new(StringComparer.Ordinal)
                {
                    ["outcome"] = "accepted",
                    ["events"] = a.Item.Events.Select(e => new
                    {
                        id = e.Id, position = e.Position, stream = e.Stream, streamVersion = e.StreamVersion, type = e.Type,
                        metadata = MetadataOf(e.Metadata),
                    }).ToArray(),
                    ["position"] = a.Item.Position,
                    ["result"] = ValueOf(a.Item.Result),
                    ["attempts"] = a.Item.Attempts,
                    ["triggerFailures"] = a.Item.TriggerFailures.Select(f => new { trigger = f.Trigger, error = f.Error }).ToArray(),
                };
            case CommandOutcome.Rejected r:
                var rejected = Problems.Of(status, "rejected", "The command was rejected.", r.Item.Reason);
                rejected["code"] = r.Item.Code;
                rejected["details"] = r.Item.Details.ToDictionary(kv => kv.Key, kv => kv.Value);
                return rejected;
            case CommandOutcome.Conflict c:
                var conflict = Problems.Of(status, "conflict", "Concurrent writes kept changing what the command read.",
                    $"The command was tried {c.attempts} times and each time what it read had changed before it could write: {c.reason}");
                conflict["attempts"] = c.attempts;
                return conflict;
            case CommandOutcome.VersionMismatch v:
                var mismatch = Problems.Of(status, "version-mismatch", "The expected version is out of date.", v.Item.Reason);
                mismatch["stream"] = v.Item.Stream;
                mismatch["actualVersion"] = v.Item.ActualVersion;
                return mismatch;
            case CommandOutcome.Unauthorized u:
                return Problems.Unauthorized(u.reason);
            case CommandOutcome.Invalid i:
                return InvalidOutcome(i.Item);
            case CommandOutcome.UnknownCommand n:
                return Problems.Of(status, "unknown-command", "There is no such command.", $"There is no command named '{n.name}'.");
            case CommandOutcome.NotFound n:
                return Problems.Of(status, "not-found", "The command's target does not exist.", n.what);
            case CommandOutcome.Unavailable u:
                var unavailable = Problems.Of(status, "unavailable", "The service is unavailable.", u.reason);
                unavailable["retryAfterSeconds"] = Math.Ceiling(u.retryAfter.TotalSeconds);
                return unavailable;
            default:
                throw new InvalidOperationException($"Unknown command outcome {outcome.GetType().Name}.");
        }
    }

    /// <summary>The JSON body of a query outcome: the answer, or a problem document.</summary>
    public static Dictionary<string, object?> BodyOf(QueryOutcome outcome)
    {
        var status = StatusOf(outcome);
        return outcome switch
        {
            QueryOutcome.Answered a => new(StringComparer.Ordinal) { ["outcome"] = "answered", ["value"] = a.value, ["position"] = a.position },
            QueryOutcome.Unauthorized u => Problems.Unauthorized(u.reason),
            QueryOutcome.Invalid i => InvalidOutcome(i.Item),
            QueryOutcome.NotFound n => Problems.Of(status, "not-found", "There is no answer.", n.what),
            QueryOutcome.UnknownQuery n => Problems.Of(status, "unknown-query", "There is no such query.", $"There is no query named '{n.name}'."),
            _ => throw new InvalidOperationException($"Unknown query outcome {outcome.GetType().Name}."),
        };
    }

    /// <summary>An event's metadata as JSON: causation, correlation, actor, W3C trace context and the user-defined fields.</summary>
    public static Dictionary<string, object?> MetadataOf(EventMetadata metadata) => new(StringComparer.Ordinal)
    {
        ["causationId"] = metadata.CausationId,
        ["correlationId"] = metadata.CorrelationId,
        ["actor"] = metadata.Actor,
        ["traceparent"] = metadata.TraceParent,
        ["tracestate"] = metadata.TraceState,
        ["fields"] = metadata.Fields.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
    };

    /// <summary>
    /// The 400 of an invalid outcome: its field (a payload path, or what the core or a store named in .NET terms, such as
    /// <c>condition.query.Items[0].Tags[1]</c>) as the request's JSON names it (<c>condition.query.items[0].tags[1]</c>).
    /// </summary>
    private static Dictionary<string, object?> InvalidOutcome(Validation.Error error) => Problems.Invalid(PayloadErrors.inJsonTerms(error));

    /// <summary>An invalid-input problem document naming the field.</summary>
    public static Dictionary<string, object?> Invalid(Validation.Error error) => Problems.Invalid(error);

    /// <summary>The outcome as a response: JSON for success, a problem document otherwise.</summary>
    public static IResult Result(Dictionary<string, object?> body, int status) =>
        status < 400 ? Results.Json(body, JsonPayload.options, statusCode: status) : Problems.Result(body, status);

    private static object? ValueOf(FSharpOption<object>? value) => FSharpOption<object>.get_IsSome(value) ? value!.Value : null;
}
