using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Hybrid.Shell.Http;

/// <summary>
/// The minimal-API adapter: <c>POST {prefix}/commands/{name}</c>, <c>POST {prefix}/queries/{name}</c> and
/// <c>GET {prefix}/introspection</c>. A command request may send <c>If-Match: n</c> (or <c>?expectedVersion=n</c>)
/// for the stream's expected version, <c>X-Command-Id</c>, <c>X-Metadata-{name}</c> headers (user-defined metadata
/// fields stored with each event, named in lower case), and <c>?waitMs=t</c> to answer, once the command's
/// views (or <c>?views=model:scope,…</c>: views the caller may read, see <see cref="ViewAccess"/>, else 403 and the command
/// does not run) have folded its events, with their fresh state (read-your-writes).
/// Failures are RFC 9457 problem documents naming the field, checked in this order: a method other than POST (GET or HEAD for
/// introspection) 405 with <c>Allow</c>, a path naming no command or query 404, an <c>Accept</c> that admits no JSON 406
/// (<see cref="AcceptHeader"/>), unknown command or query 404, an
/// unauthenticated caller 401 (before the body is read), Content-Type 415, body size 413, caller headers 400 (403 for
/// credentials that grant no tenant), query parameters 400 (and an entity tag in <c>If-Match</c> that is weak or no
/// stream version 412: it never matches), body 400; then the outcome.
/// </summary>
public static class HybridEndpoints
{
    /// <summary>
    /// Maps the endpoints of the application registered with <c>AddHybrid</c>: commands, queries and introspection
    /// under <paramref name="prefix"/>, and <c>GET {prefix}/health</c> (the health report as JSON). Callers are resolved by
    /// the <see cref="ICallerResolver"/> in the container, or from headers when none is registered.
    /// </summary>
    public static IEndpointRouteBuilder MapHybrid(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var options = HybridHttpOptions.FromServices(endpoints.ServiceProvider);
        endpoints.MapHybrid(options, prefix);
        endpoints.MapHealthChecks($"{prefix}/health", new HealthCheckOptions { ResponseWriter = HealthResponse.Writer(options.UnavailableRetryAfter) })
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        endpoints.MapMethodNotAllowed($"{prefix}/health", HttpMethods.Get, HttpMethods.Head);
        return endpoints;
    }

    /// <summary>Maps the command, query and introspection endpoints.</summary>
    public static IEndpointRouteBuilder MapHybrid(this IEndpointRouteBuilder endpoints, HybridHttpOptions options, string prefix = "")
    {
        endpoints.MapPost($"{prefix}/commands/{{name}}", (HttpContext http, string name) =>
            RequestFailures.Guard(http, options, () => Command(http, name, options)));
        endpoints.MapPost($"{prefix}/queries/{{name}}", (HttpContext http, string name) =>
            RequestFailures.Guard(http, options, () => Query(http, name, options)));
        // The cast keeps the handler a route handler: a lone HttpContext parameter would make it a RequestDelegate,
        // which discards the result instead of writing it.
        // HEAD as well as GET, as HTTP asks of every resource that answers GET (the same headers, no body).
        endpoints.MapMethods($"{prefix}/introspection", [HttpMethods.Get, HttpMethods.Head], (Delegate)((HttpContext http) =>
            RequestFailures.Guard(http, options, () => Introspection(http, options))));
        endpoints.MapMethodNotAllowed($"{prefix}/commands/{{name}}", HttpMethods.Post);
        endpoints.MapMethodNotAllowed($"{prefix}/queries/{{name}}", HttpMethods.Post);
        endpoints.MapMethodNotAllowed($"{prefix}/introspection", HttpMethods.Get, HttpMethods.Head);
        endpoints.MapNotFound($"{prefix}/commands/{{**rest}}",
            $"Name the command in the path: POST {prefix}/commands/{{name}} (see {prefix}/introspection for the commands).");
        endpoints.MapNotFound($"{prefix}/queries/{{**rest}}",
            $"Name the query in the path: POST {prefix}/queries/{{name}} (see {prefix}/introspection for the queries).");
        return endpoints;
    }

    /// <summary>
    /// The registry described. It shows no tenant's data, so a caller needs no tenant; but deny by default: a caller the
    /// resolver cannot authenticate (a JWT resolver and no valid token) gets the 401 a command gets.
    /// </summary>
    private static async Task<IResult> Introspection(HttpContext http, HybridHttpOptions options)
    {
        if (AcceptHeader.Refusal(http.Request, AcceptHeader.JsonAnswers) is { } notAcceptable) return notAcceptable;
        var resolved = await CallerResolution.ResolveAsync(options.Callers, http);
        if (CallerResolution.IsUnauthenticated(resolved)) return CallerResolution.Denied(http, resolved);
        if (QueryParameters.Unknown(http.Request.Query, []) is { } unknown) return Invalid(unknown);
        return Results.Json(RegistryIntrospection.Describe(options), JsonPayload.options);
    }

    private static async Task<IResult> Command(HttpContext http, string name, HybridHttpOptions options)
    {
        var ct = http.RequestAborted;
        if (AcceptHeader.Refusal(http.Request, AcceptHeader.JsonAnswers) is { } notAcceptable) return notAcceptable;
        if (!options.Commands.Commands.TryGet(name, out var definition))
            return Outcome(HttpOutcomes.BodyOf(CommandOutcome.NewUnknownCommand(name)), StatusCodes.Status404NotFound);
        var resolved = await CallerResolution.ResolveAsync(options.Callers, http);
        if (CallerResolution.IsUnauthenticated(resolved)) return CallerResolution.Denied(http, resolved);
        var body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, ct);
        if (body.Problem is { } bodyProblem) return Problems.Result(bodyProblem, body.Status);
        if (resolved.Error is not null) return CallerResolution.Denied(http, resolved);
        var caller = resolved.Caller!;
        var request = CommandRequest.Parse(http.Request, options);
        if (request.Error is { } requestError) return Invalid(requestError);
        if (request.FailedPrecondition is { } precondition) return Problems.Result(precondition, StatusCodes.Status412PreconditionFailed);
        var json = body.Json!;

        var views = request.Views;
        if (views is not null && ReadYourWrites.Refusal(caller, definition, json, views, options.Registry) is { } refusal)
            return Outcome(HttpOutcomes.BodyOf(CommandOutcome.NewUnauthorized(refusal)), StatusCodes.Status403Forbidden);
        if (request.Wait is not null && views is null)
        {
            views = ReadYourWrites.ViewsOf(definition, json);
            if (views.Length == 0 && definition.Parse.Invoke(json).IsOk)
            {
                return Invalid(new Validation.Error("waitMs",
                    $"Command '{name}' names no read-model views to wait for: name them with views=model:scope,… (see /introspection)."));
            }
        }

        var outcome = await options.Commands.ExecuteJsonAsync(caller, name, json, request.Options, ct);
        var answer = HttpOutcomes.BodyOf(outcome);
        var status = HttpOutcomes.StatusOf(outcome);
        if (outcome is CommandOutcome.Unavailable unavailable)
            http.Response.Headers.RetryAfter = Math.Ceiling(unavailable.retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (outcome is CommandOutcome.Accepted accepted)
        {
            if (StreamTag(accepted.Item.Events) is { } etag) http.Response.Headers.ETag = etag;
            if (request.Wait is { } wait && views is { Length: > 0 })
                await ReadYourWrites.AddViews(answer, options.Views!, caller.Tenant, accepted.Item.Position, views, wait,
                    RequestFailures.Logger(http), ct);
        }
        return Outcome(answer, status);
    }

    /// <summary>
    /// The entity tag of an accepted command that wrote to one stream: its new version, quoted (what <c>If-Match</c> takes
    /// back); null when it wrote nothing, to several streams or to none.
    /// </summary>
    private static string? StreamTag(RecordedEvent[] events)
    {
        if (events.Length == 0 || events[0].Stream is not { } stream || events.Any(e => e.Stream != stream)) return null;
        return $"\"{events.Max(e => e.StreamVersion).ToString(CultureInfo.InvariantCulture)}\"";
    }

    /// <summary>The prefix of request headers carried into every written event's metadata as user-defined fields.</summary>
    public const string MetadataHeaderPrefix = "X-Metadata-";

    private static async Task<IResult> Query(HttpContext http, string name, HybridHttpOptions options)
    {
        var ct = http.RequestAborted;
        if (AcceptHeader.Refusal(http.Request, AcceptHeader.JsonAnswers) is { } notAcceptable) return notAcceptable;
        if (options.Queries is null || !options.Queries.Knows(name))
            return Outcome(HttpOutcomes.BodyOf(QueryOutcome.NewUnknownQuery(name)), StatusCodes.Status404NotFound);
        var resolved = await CallerResolution.ResolveAsync(options.Callers, http);
        if (CallerResolution.IsUnauthenticated(resolved)) return CallerResolution.Denied(http, resolved);
        var body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, ct);
        if (body.Problem is { } bodyProblem) return Problems.Result(bodyProblem, body.Status);
        if (resolved.Error is not null) return CallerResolution.Denied(http, resolved);
        if (QueryParameters.Unknown(http.Request.Query, []) is { } unknown) return Invalid(unknown);
        var outcome = await options.Queries.ExecuteJsonAsync(resolved.Caller!, name, body.Json!, ct);
        return Outcome(HttpOutcomes.BodyOf(outcome), HttpOutcomes.StatusOf(outcome));
    }

    private static IResult Invalid(Validation.Error error) => Problems.Result(Problems.Invalid(error), StatusCodes.Status400BadRequest);

    private static IResult Outcome(Dictionary<string, object?> body, int status) => HttpOutcomes.Result(body, status);
}
