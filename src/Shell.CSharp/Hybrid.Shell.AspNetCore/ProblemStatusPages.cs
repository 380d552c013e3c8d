using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// Gives routing's bare answers a problem document, for the whole application and not only Hybrid's routes: a path
/// nothing maps (404, naming the path) and a method a route does not take (405, naming the method; its <c>Allow</c>
/// is kept). Other bare statuses are left as they are (the admin surface's 403s show nothing on purpose).
/// </summary>
public static class ProblemStatusPages
{
    /// <summary>
    /// Adds the middleware (ASP.NET Core's status code pages) that writes the problem document; add it before the
    /// endpoints. Responses that already have a body, Hybrid's problem documents among them, are left as they are.
    /// </summary>
    public static IApplicationBuilder UseProblemStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => Write(context.HttpContext));

    private static Task Write(HttpContext http)
    {
        var status = http.Response.StatusCode;
        if (status is not (StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)) return Task.CompletedTask;
        var path = CommandRequest.Shown(http.Request.Path.Value ?? "");
        var problem = status == StatusCodes.Status404NotFound
            ? Problems.Of(status, "not-found", "There is nothing here.", $"Nothing is served at {path}: see /introspection for the commands and queries.")
            : Problems.Of(status, "method-not-allowed", "The method is not allowed here.",
                $"{CommandRequest.Shown(http.Request.Method)} is not allowed on {path}: use {http.Response.Headers.Allow}.");
        problem["field"] = status == StatusCodes.Status404NotFound ? "path" : "method";
        return Problems.Result(problem, status).ExecuteAsync(http);
    }
}
