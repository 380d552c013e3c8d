using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Http;

/// <summary>
/// Runs the configured <see cref="ICallerResolver"/> and denies when it fails: a resolver that throws is misconfigured
/// (an authentication scheme that is not registered, say), and a request it cannot place must not run as anyone. The
/// failure is logged for the operator; the client gets a 401 naming nothing internal.
/// </summary>
internal static class CallerResolution
{
    public static async ValueTask<CallerResult> ResolveAsync(ICallerResolver resolver, HttpContext http)
    {
        try
        {
            return await resolver.ResolveAsync(http);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            http.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(typeof(CallerResolution))
                .LogError(e, "The caller resolver {Resolver} failed; the request is denied.", resolver.GetType().Name);
            return CallerResult.Unauthenticated("caller", "The caller could not be authenticated.");
        }
    }

    /// <summary>
    /// Whether the resolution failed for want of valid credentials: such a request is refused before its body is read
    /// (an anonymous client never has the server read a large body), and before any other check of its content.
    /// </summary>
    public static bool IsUnauthenticated(CallerResult resolved) =>
        resolved.Error is not null && resolved.Status == StatusCodes.Status401Unauthorized;

    /// <summary>The problem of a failed resolution, with <c>WWW-Authenticate</c> for a 401.</summary>
    public static IResult Denied(HttpContext http, CallerResult failed)
    {
        if (failed.Status == StatusCodes.Status401Unauthorized) http.Response.Headers.WWWAuthenticate = "Bearer";
        var problem = failed.Status == StatusCodes.Status401Unauthorized
            ? Problems.Of(failed.Status, "unauthenticated", "The caller could not be authenticated.", failed.Error!.Message)
            : Problems.Invalid(failed.Error!);
        problem["status"] = failed.Status;
        problem["field"] = failed.Error!.Field;
        return Problems.Result(problem, failed.Status);
    }
}
