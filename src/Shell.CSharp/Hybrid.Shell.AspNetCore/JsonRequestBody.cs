using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// Reads a request body as the Hybrid endpoints read one, for an application's own endpoints that take commands or
/// queries as JSON (a front that forwards them, say): <c>application/json</c> (or <c>+json</c>) in UTF-8, at most
/// <c>maxBytes</c>; else the same problem documents (415, 413, 400 naming <c>Content-Type</c> or <c>body</c>).
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The body's JSON text, or the problem response that refuses it (never both).</summary>
    public static async Task<(string? Json, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes = 1 << 20, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, maxBytes, ct).ConfigureAwait(false);
        return body.Problem is { } problem ? (null, Problems.Result(problem, body.Status)) : (body.Json, null);
    }
}
