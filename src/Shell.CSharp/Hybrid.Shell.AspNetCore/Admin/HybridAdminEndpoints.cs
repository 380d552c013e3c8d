using System.Globalization;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// The admin surface over <see cref="HybridOperations"/>: the server-rendered page (<c>GET {prefix}</c>, a tenant's
/// events at <c>GET {prefix}/tenants/{tenant}?after=&amp;stream=</c>), its form posts (retry, discard), and JSON
/// endpoints under <c>{prefix}/api</c> (among them <c>POST {prefix}/api/tenants/{tenant}/subjects/{subject}/forget?reason=</c>,
/// admin role only). Deny by default: a caller without the viewer or admin role gets a 403 problem document
/// (<c>unauthorized</c>) saying nothing of the surface, an unauthenticated one a 401; each caller reaches its own tenant
/// only (another tenant's pages and operations answer 403), unless it belongs to
/// <see cref="HybridAdminOptions.OperationsTenant"/>; viewers only read; refusals are problem documents (400, 404,
/// 409) whose outcome is the refusal in lower-case hyphenated words, never a 500. JSON writes enum values as camelCase
/// names. Every POST is guarded against cross-site request forgery: it needs the page's antiforgery token (the forms
/// carry it) or the <see cref="RequestHeader"/> header (scripts), else it answers 400 and changes nothing.
/// </summary>
public static class HybridAdminEndpoints
{
    /// <summary>
    /// The header an API client sends with every admin POST (any value), instead of an antiforgery token: another site's
    /// page cannot add it to a cross-site request.
    /// </summary>
    public const string RequestHeader = "X-Hybrid-Admin";

    /// <summary>
    /// Maps the admin page and endpoints under <paramref name="prefix"/>, callers resolved by the container's
    /// <see cref="ICallerResolver"/> (headers when none). Needs antiforgery services
    /// (<see cref="HybridAdminServiceCollectionExtensions.AddHybridAdmin"/>); throws an <see cref="InvalidOperationException"/> without them.
    /// </summary>
    public static IEndpointRouteBuilder MapHybridAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/admin", HybridAdminOptions? options = null)
    {
        options ??= endpoints.ServiceProvider.GetService<HybridAdminOptions>() ?? new HybridAdminOptions();
        _ = endpoints.ServiceProvider.GetService<IAntiforgery>() ?? throw new InvalidOperationException(
            "MapHybridAdmin: the admin forms need ASP.NET Core antiforgery; call services.AddHybridAdmin() (or services.AddAntiforgery()).");
        var callers = endpoints.ServiceProvider.GetService<ICallerResolver>() ?? new HeaderCallerResolver();
        var gate = new AdminGate(callers, options);

        endpoints.MapGet(prefix, (Delegate)((HttpContext http) => Guard(http, gate, AdminAccess.View, [], (ops, scope, ct) =>
            Html(AdminPages.Overview(ops, prefix, scope, FormToken(http, scope.Access), ct)))));
        endpoints.MapGet($"{prefix}/tenants/{{tenant}}", (HttpContext http, string tenant, string? stream) =>
            Guard(http, gate, AdminAccess.View, ["after", "stream"], (ops, scope, ct) =>
                scope.Refuses(tenant) is { } refused ? Task.FromResult(refused)
                : AdminParameters.TryPosition("after", http.Request.Query["after"], required: false, out var after, out var problem)
                    ? Html(AdminPages.Tenant(ops, prefix, scope.Access, tenant, after, stream, options.PageSize, ct))
                    : Task.FromResult(problem)));
        endpoints.MapPost($"{prefix}/dead-letters/{{tenant}}/{{processor}}/{{position}}/{{action}}",
            (HttpContext http, string tenant, string processor, string position, string action) =>
                Guard(http, gate, AdminAccess.Act, [], async (ops, scope, ct) =>
                {
                    if (scope.Refuses(tenant) is { } refused) return refused;
                    if (!AdminParameters.TryPosition("position", position, required: true, out var at, out var problem)) return problem;
                    if (action == "retry") await ops.Retry(tenant, processor, at, ct);
                    else if (action == "discard") await ops.Discard(tenant, processor, at, ct);
                    else return RouteProblems.NotFoundResult($"There is no dead-letter action '{CommandRequest.Shown(action)}': use retry or discard.");
                    return Results.Redirect($"{prefix}#dead-letters", permanent: false, preserveMethod: false);
                }));
        MapApi(endpoints, $"{prefix}/api", gate);
        return endpoints;
    }

    private static void MapApi(IEndpointRouteBuilder endpoints, string api, AdminGate gate)
    {
        endpoints.MapGet($"{api}/lag", (HttpContext http, string? tenant) =>
            ApiGuard(http, gate, AdminAccess.View, ["tenant"], async (ops, scope, ct) =>
                scope.Narrow(tenant, out var narrowed, out var refused) ? AdminJson.Of(await ops.Lag(narrowed, ct)) : refused));
        endpoints.MapGet($"{api}/dead-letters", (HttpContext http, string? tenant, string? processor) =>
            ApiGuard(http, gate, AdminAccess.View, ["tenant", "processor", "all"], async (ops, scope, ct) =>
                !scope.Narrow(tenant, out var narrowed, out var refused) ? refused
                : AdminParameters.TryFlag("all", http.Request.Query["all"], out var all, out var problem)
                    ? AdminJson.Of(await ops.DeadLetters(narrowed, processor, all, ct))
                    : problem));
        endpoints.MapGet($"{api}/pauses", (Delegate)((HttpContext http) =>
            ApiGuard(http, gate, AdminAccess.View, [], async (ops, scope, ct) =>
                AdminJson.Of((await ops.Pauses(ct)).Where(p => p.Tenant == Pausing.everyTenant || scope.Covers(p.Tenant))))));
        endpoints.MapGet($"{api}/read-models", (Delegate)((HttpContext http) =>
            ApiGuard(http, gate, AdminAccess.View, [], (ops, scope, _) => Task.FromResult(AdminJson.Of(new
            {
                models = ops.ReadModels.Select(m => new { name = m.Name, version = m.Version }),
                // The cache's counters are the whole store's (every tenant's reads and folds): for operators of every tenant only.
                cache = scope.OnlyTenant is null ? ops.CacheStatistics : null,
            })))));
        endpoints.MapPost($"{api}/dead-letters/{{tenant}}/{{processor}}/{{position}}/retry", (HttpContext http, string tenant, string processor, string position) =>
            ApiGuard(http, gate, AdminAccess.Act, [], async (ops, scope, ct) =>
                scope.Refuses(tenant) is { } refused ? refused
                : AdminParameters.TryPosition("position", position, required: true, out var at, out var problem)
                    ? AdminJson.Of(await ops.Retry(tenant, processor, at, ct))
                    : problem));
        endpoints.MapPost($"{api}/dead-letters/{{tenant}}/{{processor}}/{{position}}/discard", (HttpContext http, string tenant, string processor, string position) =>
            ApiGuard(http, gate, AdminAccess.Act, [], async (ops, scope, ct) =>
                scope.Refuses(tenant) is { } refused ? refused
                : AdminParameters.TryPosition("position", position, required: true, out var at, out var problem)
                    ? AdminJson.Of(await ops.Discard(tenant, processor, at, ct))
                    : problem));
        endpoints.MapPost($"{api}/processors/{{processor}}/pause", (HttpContext http, string processor, string? tenant) =>
            ApiGuard(http, gate, AdminAccess.Act, ["tenant"], async (ops, scope, ct) =>
                scope.Narrow(tenant, out var narrowed, out var refused) ? AdminJson.Of(new { changed = await ops.Pause(processor, narrowed, ct) }) : refused));
        endpoints.MapPost($"{api}/processors/{{processor}}/resume", (HttpContext http, string processor, string? tenant) =>
            ApiGuard(http, gate, AdminAccess.Act, ["tenant"], async (ops, scope, ct) =>
                scope.Narrow(tenant, out var narrowed, out var refused) ? AdminJson.Of(new { changed = await ops.Resume(processor, narrowed, ct) }) : refused));
        endpoints.MapPost($"{api}/processors/{{processor}}/replay", (HttpContext http, string processor, string? tenant) =>
            ApiGuard(http, gate, AdminAccess.Act, ["tenant", "from"], async (ops, scope, ct) =>
                !AdminParameters.TryTenant(tenant, out var problem) ? problem
                : scope.Refuses(tenant) is { } refused ? refused
                : !AdminParameters.TryPosition("from", http.Request.Query["from"], required: true, out var from, out problem) ? problem
                : AdminJson.Of(await ops.Replay(processor, tenant, from, null, ct))));
        endpoints.MapPost($"{api}/read-models/{{model}}/rebuild", (HttpContext http, string model, string? tenant, string? scope) =>
            ApiGuard(http, gate, AdminAccess.Act, ["tenant", "scope"], async (ops, caller, ct) =>
                !AdminParameters.TryTenant(tenant, out var problem) ? problem
                : caller.Refuses(tenant) is { } refused ? refused
                : AdminJson.Of(new { position = await ops.RebuildReadModel(tenant, model, scope ?? "", ct) })));
        endpoints.MapPost($"{api}/tenants/{{tenant}}/subjects/{{subject}}/forget", (HttpContext http, string tenant, string subject, string? reason) =>
            ApiGuard(http, gate, AdminAccess.Act, ["reason"], async (ops, scope, ct) =>
            {
                if (scope.Refuses(tenant) is { } refused) return refused;
                var audit = await ops.ForgetSubject(tenant, subject, reason ?? "forgotten by an operator (admin API)", ct);
                return AdminJson.Of(new { tenant, subject, position = audit.Position });
            }));
        endpoints.MapPost($"{api}/verify", (Delegate)((HttpContext http) =>
            ApiGuard(http, gate, AdminAccess.Act, [], async (ops, scope, ct) => scope.OnlyTenant is null
                ? AdminJson.Of(await ops.Verify(null, ct))
                : Problems.Result(Problems.Unauthorized("Verifying the whole store needs an operator of every tenant."), StatusCodes.Status403Forbidden))));
    }

    /// <summary>
    /// Checks the access, then runs the handler; refusals become problem documents, a replay that fails again 409, and
    /// what else throws is answered as on the command surface (<see cref="RequestFailures"/>): a store that is down 503
    /// with Retry-After, a defect a 500 showing only its trace id.
    /// </summary>
    private static Task<IResult> Guard(HttpContext http, AdminGate gate, AdminAccess needed, string[] parameters,
        Func<HybridOperations, AdminScope, CancellationToken, Task<IResult>> handle) =>
        RequestFailures.Guard(http, gate.Options.UnavailableRetryAfter, () => Checked(http, gate, needed, parameters, handle));

    /// <summary>
    /// <see cref="Guard"/> for the JSON API: first an <c>Accept</c> that admits no JSON is refused 406, as on the command
    /// surface (<see cref="AcceptHeader"/>), before the caller is resolved or anything runs.
    /// </summary>
    private static Task<IResult> ApiGuard(HttpContext http, AdminGate gate, AdminAccess needed, string[] parameters,
        Func<HybridOperations, AdminScope, CancellationToken, Task<IResult>> handle) =>
        AcceptHeader.Refusal(http.Request, AcceptHeader.JsonAnswers) is { } notAcceptable
            ? Task.FromResult(notAcceptable)
            : Guard(http, gate, needed, parameters, handle);

    /// <summary>
    /// The caller's access, then the query parameters (each endpoint takes <paramref name="parameters"/> only, each once:
    /// a mistyped <c>?tenat=</c> must not quietly list the caller's own tenant), then the forgery check, then the handler.
    /// </summary>
    private static async Task<IResult> Checked(HttpContext http, AdminGate gate, AdminAccess needed, string[] parameters,
        Func<HybridOperations, AdminScope, CancellationToken, Task<IResult>> handle)
    {
        var scope = await gate.ScopeOf(http);
        if (scope.Unresolvable is { } unresolvable) return unresolvable;
        if (scope.Access < needed) return AdminProblems.Forbidden(scope.Access);
        if (QueryParameters.Unknown(http.Request.Query, parameters) is { } unknown)
            return Problems.Result(Problems.Invalid(unknown), StatusCodes.Status400BadRequest);
        if (needed == AdminAccess.Act && !await AdminForgeryCheck.Passes(http, http.RequestServices.GetRequiredService<IAntiforgery>()))
            return AdminForgeryCheck.Refused();
        var ops = http.RequestServices.GetRequiredService<HybridOperations>();
        try { return await handle(ops, scope, http.RequestAborted); }
        catch (OperationRefusedException refused) { return AdminProblems.Refused(refused); }
        catch (ReplayFailedException failed) { return AdminProblems.ReplayFailed(failed); }
    }

    /// <summary>The hidden token field for the page's forms, issued (with its cookie) only to callers who may act.</summary>
    private static string FormToken(HttpContext http, AdminAccess access) =>
        access == AdminAccess.Act ? AdminForgeryCheck.FormField(http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http)) : "";

    private static async Task<IResult> Html(Task<string> page) => Results.Content(await page, "text/html; charset=utf-8");
}
