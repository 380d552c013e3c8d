using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// Gives bare answers a problem document, for the whole application and not only Hybrid's routes: a path nothing maps
/// (404, naming the path), a method a route does not take (405, naming the method; its <c>Allow</c> is kept) and a
/// caller refused without a word (403, <c>unauthorized</c>, as Hybrid's own 403s). Other bare statuses are left as
/// they are.
/// </summary>
public static class ProblemStatusPages
{
    /// <summary>
    /// Adds the middleware (ASP.NET Core's status code pages) that writes the problem document; add it before the
    /// endpoints. Responses that already have a body, Hybrid's problem documents among them, are left as they are.
    /// </summary>
    public static IApplicationBuilder UseProblemStatusPages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => Write(context.HttpContext));

    private static Task Write(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => RouteProblems.NotFound(http,
            $"Nothing is served at {CommandRequest.Shown(http.Request.Path.Value ?? "")}: see /introspection for the commands and queries."),
        StatusCodes.Status405MethodNotAllowed => RouteProblems.MethodNotAllowed(http, http.Response.Headers.Allow.ToString()),
        StatusCodes.Status403Forbidden => Problems.Result(Problems.Unauthorized(
            $"The caller may not use {CommandRequest.Shown(http.Request.Path.Value ?? "")}."), StatusCodes.Status403Forbidden).ExecuteAsync(http),
        _ => Task.CompletedTask,
    };
}
