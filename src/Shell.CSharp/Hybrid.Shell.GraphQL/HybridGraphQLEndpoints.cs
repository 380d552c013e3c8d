using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GraphQL;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Transport;
using GraphQL.Validation;
using GraphQLParser.Exceptions;
using Hybrid.Shell.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// Serves the registry's GraphQL schema at <c>POST {path}</c> (<c>{"query", "variables", "operationName"}</c>), mapped
/// beside <c>MapHybrid</c> with the same options; other methods are 405 problems. The body is read as the HTTP adapter
/// reads one (JSON, UTF-8, at most <see cref="HybridHttpOptions.MaxBodyBytes"/>: else 415, 400 or 413). A body that is
/// not a GraphQL request (the member at fault named), or a document that does not parse, goes past
/// <see cref="GraphQLLimits"/> or does not validate, is answered with status 400 and errors only. A caller the resolver
/// cannot authenticate is answered 401 (UNAUTHENTICATED, <c>WWW-Authenticate: Bearer</c>) before the body is read:
/// nothing runs, introspection included. An executed document
/// with status 200, its data and the errors of fields whose outcome was not data (with <c>Retry-After</c> when one is
/// UNAVAILABLE).
/// </summary>
public static class HybridGraphQLEndpoints
{
    private static readonly GraphQLSerializer Serializer = new(new ErrorInfoProvider(o =>
    {
        o.ExposeCode = true;
        o.ExposeCodes = false;
        o.ExposeData = false;
        o.ExposeExtensions = true;
        o.ExposeExceptionDetails = false;
    }));

    /// <summary>
    /// The GraphQL-over-HTTP media type a client may accept instead of <c>application/json</c>; the answer is JSON either way.
    /// An Accept admitting neither is refused 406 (code NOT_ACCEPTABLE) before the body is read.
    /// </summary>
    public const string GraphQLResponseMediaType = "application/graphql-response+json";

    /// <summary>Maps the GraphQL endpoint over the commands and queries of the application registered with <c>AddHybrid</c>.</summary>
    public static IEndpointRouteBuilder MapHybridGraphQL(this IEndpointRouteBuilder endpoints, string path = "/graphql") =>
        endpoints.MapHybridGraphQL(HybridHttpOptions.FromServices(endpoints.ServiceProvider), path);

    /// <summary>Maps the GraphQL endpoint over the commands and queries of <paramref name="options"/>.</summary>
    public static IEndpointRouteBuilder MapHybridGraphQL(this IEndpointRouteBuilder endpoints, HybridHttpOptions options, string path = "/graphql")
    {
        var schema = RegistrySchema.Build(options);
        var executer = new DocumentExecuter(new DocumentLimits(), new DocumentValidator());
        endpoints.MapPost(path, (HttpContext http) => Execute(http, schema, executer, options));
        endpoints.MapMethodNotAllowed(path, HttpMethods.Post);
        return endpoints;
    }

    private static async Task Execute(HttpContext http, global::GraphQL.Types.ISchema schema, IDocumentExecuter executer, HybridHttpOptions options)
    {
        var ct = http.RequestAborted;
        if (AcceptHeader.Problem(http.Request, AcceptHeader.Json, GraphQLResponseMediaType) is { } notAcceptable)
        {
            await WriteError(http, GraphQLOutcomes.Error("NOT_ACCEPTABLE", notAcceptable), StatusCodes.Status406NotAcceptable);
            return;
        }
        var call = new GraphQLCallContext(http, options.Callers);
        if (await call.Caller() is var resolved && CallerResolution.IsUnauthenticated(resolved))
        {
            // As over HTTP: a caller without valid credentials is refused before its body is read, and nothing runs,
            // introspection included (the schema is not shown to anonymous callers when the resolver authenticates).
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteError(http, GraphQLOutcomes.Unresolved(resolved), StatusCodes.Status401Unauthorized);
            return;
        }
        if (QueryParameters.Unknown(http.Request.Query, []) is { } unknown)
        {
            // As every HTTP endpoint: the document travels in the body; a query parameter is a mistake, named.
            await WriteError(http, GraphQLOutcomes.Invalid(unknown), StatusCodes.Status400BadRequest);
            return;
        }
        var body = await RequestBody.ReadAsync(http.Request, options.MaxBodyBytes, ct);
        if (body.Problem is { } problem)
        {
            await WriteError(http, GraphQLOutcomes.Error("INVALID", problem), body.Status);
            return;
        }
        GraphQLRequest? request;
        try { request = Serializer.Deserialize<GraphQLRequest>(body.Json!); }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            (request, var error) = LenientJson.Request(body.Json!); // a string holding a lone surrogate: the field's rule refuses it
            if (error is not null)
            {
                await WriteError(http, GraphQLOutcomes.Invalid(error), StatusCodes.Status400BadRequest);
                return;
            }
        }
        if (string.IsNullOrWhiteSpace(request?.Query))
        {
            await WriteError(http, GraphQLOutcomes.Invalid(new Validation.Error("query", "The request has no 'query': give the GraphQL document.")),
                StatusCodes.Status400BadRequest);
            return;
        }
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = schema,
            Query = request.Query,
            Variables = request.Variables,
            OperationName = request.OperationName,
            UserContext = new Dictionary<string, object?> { [GraphQLCallContext.Key] = call },
            RequestServices = http.RequestServices,
            CancellationToken = ct,
            UnhandledExceptionDelegate = failure => Defect(http, failure),
        });
        // A document that did not run (not executed, or refused before any field ran: a subscription, which the schema does
        // not serve) is the request's fault: 400, as the GraphQL-over-HTTP spec answers request errors.
        var refusedWhole = result.Data is null && result.Errors is { Count: > 0 } errors && errors.All(e => e.Path is null);
        http.Response.StatusCode = result.Executed && !refusedWhole ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        if (RetryAfter(result) is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = "application/json; charset=utf-8";
        await Serializer.WriteAsync(http.Response.Body, result, ct);
    }

    /// <summary>
    /// A resolver that failed unexpectedly is a defect, as over HTTP: logged with a trace id, which is all the error
    /// shows (code INTERNAL).
    /// </summary>
    private static Task Defect(HttpContext http, UnhandledExceptionContext failure)
    {
        if (failure.OriginalException is GraphQLParserException parsing)
        {
            // The parser's own limits (nesting depth) are the caller's mistake, not a defect: named, not logged.
            failure.Exception = GraphQLOutcomes.Invalid(new Validation.Error("query", ParserRefusal(parsing)));
            failure.ErrorMessage = failure.Exception.Message;
            return Task.CompletedTask;
        }
        var traceId = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
        http.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Hybrid.GraphQL")
            .LogError(failure.OriginalException, "GraphQL {Field} failed (trace id {TraceId}).", failure.FieldContext?.FieldDefinition.Name, traceId);
        var message = $"The server failed to handle the request; it was logged under trace id {traceId}.";
        failure.ErrorMessage = message;
        failure.Exception = new ExecutionError(message) { Code = "INTERNAL" };
        return Task.CompletedTask;
    }

    /// <summary>What the parser refused, in one line (its message quotes the whole document).</summary>
    private static string ParserRefusal(GraphQLParserException parsing) => parsing is GraphQLMaxDepthExceededException
        ? "The GraphQL document nests deeper than the parser allows: flatten the selection."
        : "The GraphQL document is not well formed.";

    /// <summary>The longest wait an UNAVAILABLE error asks for (the store's, or a migrating aggregate's), or null.</summary>
    private static double? RetryAfter(ExecutionResult result)
    {
        double? longest = null;
        foreach (var error in result.Errors ?? [])
        {
            if (error.Code != "UNAVAILABLE") continue;
            var seconds = error.Extensions?.TryGetValue("retryAfterSeconds", out var value) == true && value is IConvertible number
                ? number.ToDouble(CultureInfo.InvariantCulture)
                : 1;
            longest = Math.Max(longest ?? 0, Math.Ceiling(seconds)); // Retry-After takes whole seconds
        }
        return longest;
    }

    private static async Task WriteError(HttpContext http, ExecutionError error, int status)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        var result = new ExecutionResult { Executed = false, Errors = [error] };
        await Serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
