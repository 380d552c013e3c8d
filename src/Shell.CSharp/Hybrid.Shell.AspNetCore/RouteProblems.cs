using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hybrid.Shell.Http;

/// <summary>
/// What routing alone answers with an empty body, answered with problem documents instead: a method a route does not
/// take (405, with <c>Allow</c>) and a path that names nothing (404). For the rest of an application,
/// <see cref="ProblemStatusPages"/>.
/// </summary>
public static class RouteProblems
{
    /// <summary>
    /// Maps <paramref name="pattern"/> for every method but <paramref name="allowed"/> (mapped on their own): a request
    /// with another method is answered 405 with <c>Allow</c> and a problem document naming the method. An endpoint with
    /// methods wins over this one, which has none, so the allowed methods keep their own endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapMethodNotAllowed(this IEndpointRouteBuilder endpoints, string pattern, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var allow = string.Join(", ", allowed);
        return endpoints.Map(pattern, http =>
        {
            http.Response.Headers.Allow = allow;
            return MethodNotAllowed(http, allow, allowed);
        });
    }

    /// <summary>Writes the 405 problem naming the request's method; <paramref name="allow"/> is the Allow header's text.</summary>
    internal static Task MethodNotAllowed(HttpContext http, string allow, string[]? allowed = null)
    {
        var problem = Problems.Of(StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "The method is not allowed here.",
            $"{CommandRequest.Shown(http.Request.Method)} is not allowed on {CommandRequest.Shown(http.Request.Path.Value ?? "")}: use {allow}.");
        problem["field"] = "method";
        if (allowed is not null) problem["allow"] = allowed;
        return Problems.Result(problem, StatusCodes.Status405MethodNotAllowed).ExecuteAsync(http);
    }

    /// <summary>
    /// Maps <paramref name="pattern"/> (with any method) to a 404 problem document whose detail is
    /// <paramref name="detail"/>: for paths under a route that name nothing it serves.
    /// </summary>
    public static IEndpointConventionBuilder MapNotFound(this IEndpointRouteBuilder endpoints, string pattern, string detail)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.Map(pattern, http => NotFound(http, detail));
    }

    /// <summary>Writes the 404 problem (field <c>path</c>) with <paramref name="detail"/>.</summary>
    internal static Task NotFound(HttpContext http, string detail) => NotFoundResult(detail).ExecuteAsync(http);

    /// <summary>The 404 problem (field <c>path</c>) with <paramref name="detail"/>, as a response.</summary>
    internal static IResult NotFoundResult(string detail)
    {
        var problem = Problems.Of(StatusCodes.Status404NotFound, "not-found", "There is nothing here.", detail);
        problem["field"] = "path";
        return Problems.Result(problem, StatusCodes.Status404NotFound);
    }
}
