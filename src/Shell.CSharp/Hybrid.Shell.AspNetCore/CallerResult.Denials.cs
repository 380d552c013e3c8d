namespace Hybrid.Shell.Http;

// Failures that are not bad input: an unauthenticated caller (401) and one authenticated but not allowed (403).
public sealed partial record CallerResult
{
    /// <summary>The HTTP status of a failure: 400 (bad input), 401 (unauthenticated) or 403 (forbidden).</summary>
    public int Status { get; init; } = 400;

    /// <summary>No caller could be authenticated: missing, expired or wrongly signed credentials, or a resolver that failed.</summary>
    public static CallerResult Unauthenticated(string field, string reason) => Fail(field, reason) with { Status = 401 };

    /// <summary>An authenticated caller whose credentials do not grant what the request needs (no tenant, say).</summary>
    public static CallerResult Forbidden(string field, string reason) => Fail(field, reason) with { Status = 403 };
}
