using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Queries;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Http;

/// <summary>
/// The minimal-API adapter: <c>POST {prefix}/commands/{name}</c>, <c>POST {prefix}/queries/{name}</c> and
/// <c>GET {prefix}/introspection</c>. A command request may send <c>If-Match: n</c> (or <c>?expectedVersion=n</c>)
/// for the stream's expected version, <c>X-Command-Id</c>, <c>X-Metadata-{name}</c> headers (user-defined metadata
/// fields stored with each event, named in lower case), and <c>?waitMs=t</c> to answer, once the command's
/// views (or <c>?views=model:scope,…</c>) have folded its events, with their fresh state (read-your-writes).
/// </summary>
public static class HybridEndpoints
{
    /// <summary>
    /// Maps the endpoints of the application registered with <c>AddHybrid</c>: commands, queries and introspection
    /// under <paramref name="prefix"/>, and <c>{prefix}/health</c> (the health report as JSON). Callers are resolved by
    /// the <see cref="ICallerResolver"/> in the container, or from headers when none is registered.
    /// </summary>
    public static IEndpointRouteBuilder MapHybrid(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        var services = endpoints.ServiceProvider;
        endpoints.MapHybrid(new HybridHttpOptions
        {
            Commands = services.GetRequiredService<CommandProcessor>(),
            Queries = services.GetRequiredService<QueryProcessor>(),
            Registry = services.GetRequiredService<Registry>(),
            Views = services.GetRequiredService<IReadModelViews>(),
            Callers = services.GetService<ICallerResolver>() ?? new HeaderCallerResolver(),
        }, prefix);
        endpoints.MapHealthChecks($"{prefix}/health", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        return endpoints;
    }

    /// <summary>Maps the command, query and introspection endpoints.</summary>
    public static IEndpointRouteBuilder MapHybrid(this IEndpointRouteBuilder endpoints, HybridHttpOptions options, string prefix = "")
    {
        endpoints.MapPost($"{prefix}/commands/{{name}}", (HttpContext http, string name) => Command(http, name, options));
        endpoints.MapPost($"{prefix}/queries/{{name}}", (HttpContext http, string name) => Query(http, name, options));
        endpoints.MapGet($"{prefix}/introspection", () => Results.Json(RegistryIntrospection.Describe(options.Registry), JsonPayload.options));
        return endpoints;
    }

    private static async Task<IResult> Command(HttpContext http, string name, HybridHttpOptions options)
    {
        var ct = http.RequestAborted;
        if (!options.Commands.Commands.TryGet(name, out _))
            return Json(HttpOutcomes.BodyOf(CommandOutcome.NewUnknownCommand(name)), StatusCodes.Status404NotFound);
        var resolved = await options.Callers.ResolveAsync(http);
        if (resolved.Error is { } callerError) return Json(HttpOutcomes.Invalid(callerError), StatusCodes.Status400BadRequest);
        var caller = resolved.Caller!;
        var request = ParseRequest(http, options);
        if (request.Error is { } requestError) return Json(HttpOutcomes.Invalid(requestError), StatusCodes.Status400BadRequest);

        var json = await new StreamReader(http.Request.Body).ReadToEndAsync(ct);
        var outcome = await options.Commands.ExecuteJsonAsync(caller, name, json, request.Options, ct);
        var body = HttpOutcomes.BodyOf(outcome);
        var status = HttpOutcomes.StatusOf(outcome);
        if (outcome is CommandOutcome.Unavailable unavailable)
            http.Response.Headers.RetryAfter = Math.Ceiling(unavailable.retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (outcome is CommandOutcome.Accepted accepted && request.Wait is { } wait)
            await AddViews(body, caller, name, json, accepted.Item.Position, request.Views, wait, options, ct);
        return Json(body, status);
    }

    private sealed record CommandRequest(CommandOptions Options, TimeSpan? Wait, ViewRef[]? Views, Validation.Error? Error);

    private static CommandRequest ParseRequest(HttpContext http, HybridHttpOptions options)
    {
        var query = http.Request.Query;
        var headers = http.Request.Headers;
        var commandOptions = new CommandOptions();
        var expected = headers.IfMatch.ToString().Trim('"', ' ');
        var expectedField = "If-Match";
        if (expected.Length == 0) (expected, expectedField) = (query["expectedVersion"].ToString(), "expectedVersion");
        if (expected.Length > 0)
        {
            if (!long.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                return Fail(expectedField, $"'{expected}' is not a stream version (a whole number, 0 or more).");
            commandOptions = commandOptions with { ExpectedVersion = ExpectedVersion.NewExact(version) };
        }
        var commandId = headers["X-Command-Id"].ToString();
        if (commandId.Length > 0)
        {
            if (!Guid.TryParse(commandId, out var id)) return Fail("X-Command-Id", $"'{commandId}' is not a GUID.");
            commandOptions = commandOptions with { CommandId = id };
        }
        var fields = MetadataFields(headers);
        if (fields.Count > 0) commandOptions = commandOptions with { Fields = fields };
        TimeSpan? wait = null;
        var waitMs = query["waitMs"].ToString();
        if (waitMs.Length > 0)
        {
            if (!int.TryParse(waitMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                return Fail("waitMs", $"'{waitMs}' is not a number of milliseconds.");
            wait = TimeSpan.FromMilliseconds(ms) < options.MaxWait ? TimeSpan.FromMilliseconds(ms) : options.MaxWait;
        }
        ViewRef[]? views = null;
        var viewList = query["views"].ToString();
        if (viewList.Length > 0)
        {
            views = viewList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(v => v.Split(':', 2) is [var model, var scope] ? ViewRef.Of(model, scope) : ViewRef.Of(v)).ToArray();
        }
        return new CommandRequest(commandOptions, wait, views, null);

        static CommandRequest Fail(string field, string reason) => new(new CommandOptions(), null, null, new Validation.Error(field, reason));
    }

    /// <summary>The prefix of request headers carried into every written event's metadata as user-defined fields.</summary>
    public const string MetadataHeaderPrefix = "X-Metadata-";

    private static Dictionary<string, string> MetadataFields(IHeaderDictionary headers)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            if (name.Length > MetadataHeaderPrefix.Length && name.StartsWith(MetadataHeaderPrefix, StringComparison.OrdinalIgnoreCase))
                fields[name[MetadataHeaderPrefix.Length..].ToLowerInvariant()] = value.ToString();
        }
        return fields;
    }

    private static async Task AddViews(Dictionary<string, object?> body, Caller caller, string name, string json, long position,
        ViewRef[]? requested, TimeSpan wait, HybridHttpOptions options, CancellationToken ct)
    {
        var views = requested;
        if (views is null && options.Commands.Commands.TryGet(name, out var definition) && definition.Parse.Invoke(json) is { IsOk: true } parsed)
            views = definition.ViewsFor(parsed.ResultValue).ToArray();
        var fresh = new Dictionary<string, object?>(StringComparer.Ordinal);
        var timedOut = false;
        if (options.Views is null || views is null || views.Length == 0)
        {
            body["views"] = fresh;
            body["viewsTimedOut"] = false;
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(wait);
        foreach (var view in views)
        {
            try
            {
                var read = await options.Views.ReadAtLeast(caller.Tenant, view.Model, view.Scope, position, timeout.Token);
                fresh[view.Scope.Length == 0 ? view.Model : $"{view.Model}:{view.Scope}"] = read.State;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                timedOut = true;
                break;
            }
        }
        body["views"] = fresh;
        body["viewsTimedOut"] = timedOut;
    }

    private static async Task<IResult> Query(HttpContext http, string name, HybridHttpOptions options)
    {
        var ct = http.RequestAborted;
        if (options.Queries is null || !options.Queries.Knows(name))
            return Json(HttpOutcomes.BodyOf(QueryOutcome.NewUnknownQuery(name)), StatusCodes.Status404NotFound);
        var resolved = await options.Callers.ResolveAsync(http);
        if (resolved.Error is { } callerError) return Json(HttpOutcomes.Invalid(callerError), StatusCodes.Status400BadRequest);
        var json = await new StreamReader(http.Request.Body).ReadToEndAsync(ct);
        var outcome = await options.Queries.ExecuteJsonAsync(resolved.Caller!, name, json, ct);
        return Json(HttpOutcomes.BodyOf(outcome), HttpOutcomes.StatusOf(outcome));
    }

    private static IResult Json(object body, int status) => Results.Json(body, JsonPayload.options, statusCode: status);
}
