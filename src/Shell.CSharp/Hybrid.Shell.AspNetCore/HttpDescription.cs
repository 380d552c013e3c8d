namespace Hybrid.Shell.Http;

/// <summary>How the HTTP adapter is called, for introspection: endpoints, headers, query parameters, statuses, limits.</summary>
internal static class HttpDescription
{
    public static Dictionary<string, object?> Of(HybridHttpOptions options) => new(StringComparer.Ordinal)
    {
        ["commands"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["request"] = "POST /commands/{name} with the payload as JSON (Content-Type: application/json, UTF-8); its schema is the command's 'payload'.",
            ["headers"] = CallerHeaders.Concat(new Dictionary<string, string>
            {
                ["If-Match"] = "Optional: the version the command's stream must be at (a whole number, as the ETag of an accepted command on one stream gives it), or * for a stream that exists; 412 when it is not, and for a weak tag (W/\"3\") or a quoted one that is no version (\"abc\"), which If-Match never matches; 400 for a value that is no entity tag.",
                ["If-None-Match"] = "Optional: * for a stream that does not exist yet (create only); 412 when it does.",
                ["X-Command-Id"] = "Optional: a GUID naming this command; re-sending it does not write its events twice, and sending it with another command or input is invalid.",
                ["X-Metadata-{name}"] = "Optional: a metadata field stored with each event the command writes, named {name} in lower case (letters, digits, '-', '_', '.'); each header once, its value at most 256 characters.",
            }).ToDictionary(),
            ["query"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["expectedVersion"] = "Optional: as If-Match.",
                ["waitMs"] = options.Views is null
                    ? "Not available: this server has no read-model views."
                    : $"Optional, read-your-writes: wait up to this many milliseconds (0 to {(long)options.MaxWait.TotalMilliseconds}) until the "
                      + "views have folded the command's events, and answer with their state in 'views' ('viewsTimedOut' is true when the wait "
                      + "ran out, 'viewsFailed' lists views that could not be read; the command stands either way). The views are those named by 'views', else those the command names for "
                      + "its payload; a command that names none needs 'views'.",
                ["views"] = $"Optional, with waitMs only: model or model:scope, separated by commas, at most {CommandRequest.MaxViews}.",
            },
            ["answers"] = "200 accepted: events (id, position, stream, streamVersion, type), position, result, attempts.",
        },
        ["queries"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["request"] = "POST /queries/{name} with the payload as JSON; its schema is the query's 'payload'. No query parameters.",
            ["headers"] = CallerHeaders,
            ["answers"] = "200 answered: value, position (the log position the answer reflects).",
        },
        ["problems"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["format"] = "application/problem+json (RFC 9457): type, title, status, detail, outcome, and field where one is at fault.",
            ["400"] = "invalid: a header, query parameter or payload field (named in 'field') is wrong; X-Tenant, X-Actor, X-Correlation-Id and X-Command-Id given twice or as a comma-separated list are wrong too.",
            ["403"] = "unauthorized: the caller may not do this.",
            ["404"] = "unknown-command, unknown-query, or not-found (the command's target does not exist, or the path names no command or query: field 'path').",
            ["405"] = "method-not-allowed: the route takes another method (field 'method'; Allow names the ones it takes).",
            ["409"] = "conflict: concurrent writes kept changing what the command read, through every retry.",
            ["412"] = "version-mismatch: If-Match / expectedVersion is out of date.",
            ["413"] = $"too-large: the body is larger than {options.MaxBodyBytes} bytes.",
            ["415"] = "unsupported-media-type: the body is not sent as application/json (UTF-8).",
            ["422"] = "rejected: a business rule refused the command (code, details).",
            ["503"] = "unavailable: the store cannot be reached or the aggregate is being migrated; retry after Retry-After seconds.",
            ["500"] = "internal-error: a defect, logged under the traceId the body shows.",
        },
    };

    private static readonly Dictionary<string, string> CallerHeaders = new(StringComparer.Ordinal)
    {
        ["X-Tenant"] = "The tenant (with the header caller resolver): letters, digits, '-', '_', '.', at most 64 characters.",
        ["X-Actor"] = $"Optional: who is calling, at most {CallerModule.MaxTextLength} characters.",
        ["X-Roles"] = $"Optional: the caller's roles, separated by commas (at most {CallerModule.MaxRoles}).",
        ["X-Correlation-Id"] = $"Optional: shared by every message of one operation, at most {CallerModule.MaxTextLength} characters.",
    };
}
