using System.Globalization;
using System.Text.Json;
using Hybrid.Shell.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hybrid.Shell.Http;

/// <summary>
/// Writes a health report as JSON: the overall status, then each check's status, description and data. A check's
/// failure is named, never quoted: a driver's message (host, port, SQL) is for the log, where the health check
/// service writes it. When the store cannot be reached the 503 carries Retry-After, as every other route's does.
/// </summary>
internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The writer of <c>GET /health</c>, whose 503 for a store that is down asks to retry after <paramref name="retryAfter"/>.</summary>
    public static Func<HttpContext, HealthReport, Task> Writer(TimeSpan retryAfter) => (http, report) => WriteAsync(http, report, retryAfter);

    private static Task WriteAsync(HttpContext http, HealthReport report, TimeSpan retryAfter)
    {
        http.Response.ContentType = "application/json";
        if (report.Status == HealthStatus.Unhealthy && report.Entries.Values.Any(e => StoreFailures.IsUnavailable(e.Exception)))
            http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                // A check that threw is described by its exception's message: named instead.
                description = e.Value.Exception is { } thrown && e.Value.Description == thrown.Message ? ErrorOf(thrown) : e.Value.Description,
                error = ErrorOf(e.Value.Exception),
                data = e.Value.Data,
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Indented), http.RequestAborted);
    }

    /// <summary>What failed, in the words of the HTTP surface's problems, without the exception's own text.</summary>
    private static string? ErrorOf(Exception? exception) => exception switch
    {
        null => null,
        _ when StoreFailures.IsUnavailable(exception) => "The event store cannot be reached just now.",
        _ => "The check failed; the server's log has the details.",
    };
}
