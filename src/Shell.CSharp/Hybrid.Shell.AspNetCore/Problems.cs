using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// RFC 9457 problem documents (<c>application/problem+json</c>): <c>type</c> (<c>urn:hybrid:problem:{outcome}</c>),
/// <c>title</c>, <c>status</c>, <c>detail</c>, and members of our own: <c>outcome</c>, <c>reason</c> (the detail
/// again), and where known the <c>field</c> at fault, a rejection's <c>code</c> and <c>details</c>, a trace id.
/// </summary>
public static class Problems
{
    /// <summary>The media type of a problem document.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>A problem document with the status, outcome token, a title for the kind of problem and the detail of this one.</summary>
    public static Dictionary<string, object?> Of(int status, string outcome, string title, string detail) => new(StringComparer.Ordinal)
    {
        ["type"] = $"urn:hybrid:problem:{outcome}",
        ["title"] = title,
        ["status"] = status,
        ["detail"] = detail,
        ["outcome"] = outcome,
        ["reason"] = detail,
    };

    /// <summary>400: bad input, naming the field (a JSON path in the body, a header or a query parameter).</summary>
    public static Dictionary<string, object?> Invalid(Validation.Error error)
    {
        var problem = Of(StatusCodes.Status400BadRequest, "invalid", "The request is invalid.", error.Message);
        problem["field"] = error.Field;
        return problem;
    }

    /// <summary>403: the caller may not do this (a command, a query, the admin surface).</summary>
    public static Dictionary<string, object?> Unauthorized(string detail) =>
        Of(StatusCodes.Status403Forbidden, "unauthorized", "The caller may not do this.", detail);

    /// <summary>413: the body is larger than the limit.</summary>
    public static Dictionary<string, object?> TooLarge(long limit)
    {
        var problem = Of(StatusCodes.Status413PayloadTooLarge, "too-large", "The request body is too large.",
            $"The body is larger than {limit} bytes.");
        problem["field"] = "body";
        return problem;
    }

    /// <summary>415: the body is not sent as JSON.</summary>
    public static Dictionary<string, object?> UnsupportedMediaType(string? contentType)
    {
        var problem = Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON.",
            string.IsNullOrEmpty(contentType)
                ? "The request has no Content-Type: send the body as 'application/json' (UTF-8)."
                : $"The Content-Type '{contentType}' is not accepted: send the body as 'application/json' (UTF-8).");
        problem["field"] = "Content-Type";
        return problem;
    }

    /// <summary>415: the body is sent content-encoded (compressed), which is not read.</summary>
    public static Dictionary<string, object?> UnsupportedEncoding(string coding)
    {
        var problem = Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON.",
            $"The Content-Encoding '{CommandRequest.Shown(coding)}' is not accepted: send the body unencoded, as 'application/json' (UTF-8).");
        problem["field"] = "Content-Encoding";
        return problem;
    }

    /// <summary>503: the store is unavailable or timed out.</summary>
    public static Dictionary<string, object?> StoreUnavailable(TimeSpan retryAfter) =>
        Unavailable("The event store cannot be reached just now; retry the request later.", retryAfter);

    /// <summary>503: the service cannot serve the request just now, for the reason given; retry after <paramref name="retryAfter"/>.</summary>
    public static Dictionary<string, object?> Unavailable(string detail, TimeSpan retryAfter)
    {
        var problem = Of(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service is unavailable.", detail);
        problem["retryAfterSeconds"] = Math.Ceiling(retryAfter.TotalSeconds);
        return problem;
    }

    /// <summary>500: a defect. The body names only the trace id under which it was logged.</summary>
    public static Dictionary<string, object?> Defect(string traceId)
    {
        var problem = Of(StatusCodes.Status500InternalServerError, "internal-error", "The server failed.",
            $"The server failed to handle the request; it was logged under trace id {traceId}.");
        problem["traceId"] = traceId;
        return problem;
    }

    /// <summary>The problem document as a response.</summary>
    public static IResult Result(Dictionary<string, object?> problem, int status) =>
        Results.Json(problem, JsonPayload.options, ContentType, status);
}
