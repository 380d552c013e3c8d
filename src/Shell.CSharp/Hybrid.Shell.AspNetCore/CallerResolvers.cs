using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>The caller of a request, or why none could be resolved (the field and the reason).</summary>
public sealed partial record CallerResult(Caller? Caller, Validation.Error? Error)
{
    /// <summary>A resolved caller.</summary>
    public static CallerResult Of(Caller caller) => new(caller, null);

    /// <summary>A failure naming the field.</summary>
    public static CallerResult Fail(string field, string reason) => new(null, new Validation.Error(field, reason));

    /// <summary>
    /// The caller if the core's checks pass (tenant format; actor, roles and correlation id short and printable), else
    /// the failure, its field renamed by <paramref name="fieldName"/> to what the client sent (a header, a claim).
    /// </summary>
    public static CallerResult Checked(Caller caller, Func<string, string> fieldName)
    {
        var valid = CallerModule.validate(caller);
        if (valid.IsOk) return Of(caller);
        var field = fieldName(valid.ErrorValue.Field);
        return Fail(field, valid.ErrorValue.Message.Replace($"'{valid.ErrorValue.Field}'", $"'{field}'", StringComparison.Ordinal));
    }
}

/// <summary>Resolves who is calling and for which tenant: pluggable (headers, claims, anything).</summary>
public interface ICallerResolver
{
    /// <summary>The request's caller.</summary>
    ValueTask<CallerResult> ResolveAsync(HttpContext context);
}

/// <summary>
/// The caller from headers: <c>X-Tenant</c>, <c>X-Actor</c>, <c>X-Roles</c> (comma-separated) and
/// <c>X-Correlation-Id</c>; each but <c>X-Roles</c> carries one value (see <see cref="SingleHeader"/>). It trusts every header as sent: whoever reaches the endpoint can name any tenant, actor and
/// role. Use it only behind an authenticating proxy that drops these headers from clients and sets them from the
/// identity it verified (or in tests and local development); otherwise use <see cref="JwtBearerCallerResolver"/>.
/// </summary>
public sealed class HeaderCallerResolver : ICallerResolver
{
    /// <inheritdoc />
    public ValueTask<CallerResult> ResolveAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var (tenant, tenantError) = SingleHeader.Read(headers, "X-Tenant");
        if (tenantError is not null) return ValueTask.FromResult(new CallerResult(null, tenantError));
        if (string.IsNullOrWhiteSpace(tenant)) return ValueTask.FromResult(CallerResult.Fail("X-Tenant", "The X-Tenant header is missing."));
        var (actor, actorError) = SingleHeader.Read(headers, "X-Actor");
        if (actorError is not null) return ValueTask.FromResult(new CallerResult(null, actorError));
        var (correlationId, correlationError) = SingleHeader.Read(headers, "X-Correlation-Id");
        if (correlationError is not null) return ValueTask.FromResult(new CallerResult(null, correlationError));
        var roles = headers["X-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var caller = new Caller(tenant, actor, roles, correlationId);
        return ValueTask.FromResult(CallerResult.Checked(caller, HeaderOf));
    }

    private static string HeaderOf(string field) => field switch
    {
        "tenant" => "X-Tenant",
        "actor" => "X-Actor",
        "roles" => "X-Roles",
        "correlationId" => "X-Correlation-Id",
        _ => field,
    };
}

/// <summary>
/// The caller from the authenticated user's claims: the tenant from a tenant claim, the identity from the
/// name identifier (or "sub"), roles from role claims; the correlation id from <c>X-Correlation-Id</c>. An
/// unauthenticated user is refused with 401, an authenticated one without the tenant claim, or naming several, with 403 (as
/// <see cref="JwtBearerCallerResolver"/> refuses them).
/// </summary>
public sealed class ClaimsCallerResolver(string tenantClaim = "tenant") : ICallerResolver
{
    /// <inheritdoc />
    public ValueTask<CallerResult> ResolveAsync(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
            return ValueTask.FromResult(CallerResult.Unauthenticated("caller", "The caller is not authenticated."));
        var (tenant, refusal) = TenantClaim.Read(user, tenantClaim, "The caller");
        if (refusal is not null) return ValueTask.FromResult(refusal);
        var actor = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.FindFirst("sub")?.Value ?? "";
        var roles = user.Claims.Where(c => c.Type == ClaimTypes.Role || c.Type == "role").Select(c => c.Value).Distinct().ToArray();
        var (correlationId, correlationError) = SingleHeader.Read(context.Request.Headers, "X-Correlation-Id");
        if (correlationError is not null) return ValueTask.FromResult(new CallerResult(null, correlationError));
        var caller = new Caller(tenant, actor, roles, correlationId);
        return ValueTask.FromResult(CallerResult.Checked(caller, field => field switch
        {
            "tenant" => tenantClaim,
            "actor" => ClaimTypes.NameIdentifier,
            "roles" => ClaimTypes.Role,
            "correlationId" => "X-Correlation-Id",
            _ => field,
        }));
    }
}
