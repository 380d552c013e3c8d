using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace Hybrid.Shell.Http;

/// <summary>
/// The caller from a JWT bearer token validated by ASP.NET Core's JwtBearer handler (register it with
/// <c>services.AddAuthentication().AddJwtBearer(o => ...)</c>, with the issuer, audience and signing keys to trust): the
/// tenant, actor and roles come from the token's claims only, so tenant, actor and role headers a client sends are
/// ignored. A missing, expired or wrongly signed token is refused with 401; a valid token without a tenant, or naming
/// several, with 403.
/// </summary>
public sealed class JwtBearerCallerResolver(JwtBearerCallerOptions? options = null) : ICallerResolver
{
    private readonly JwtBearerCallerOptions _options = options ?? new JwtBearerCallerOptions();

    /// <inheritdoc />
    public async ValueTask<CallerResult> ResolveAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(_options.Scheme);
        if (!result.Succeeded)
            return CallerResult.Unauthenticated("Authorization", result.None
                ? "A bearer token is required (Authorization: Bearer <token>)."
                : $"The bearer token was refused: {Reason(result.Failure)}");
        var user = result.Principal!;
        var (tenant, refusal) = TenantClaim.Read(user, _options.TenantClaim, "The bearer token");
        if (refusal is not null) return refusal;
        var actor = _options.ActorClaims.Select(c => user.FindFirst(c)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";
        var roles = user.Claims.Where(c => _options.RoleClaims.Contains(c.Type)).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToArray();
        var (correlationId, correlationError) = SingleHeader.Read(context.Request.Headers, "X-Correlation-Id");
        if (correlationError is not null) return new CallerResult(null, correlationError);
        var caller = new Caller(tenant, actor, roles, correlationId);
        return CallerResult.Checked(caller, field => field switch
        {
            "tenant" => _options.TenantClaim,
            "actor" => _options.ActorClaims.FirstOrDefault() ?? field,
            "roles" => _options.RoleClaims.FirstOrDefault() ?? field,
            "correlationId" => "X-Correlation-Id",
            _ => field,
        });
    }

    // Plain reasons for the client; the handler's exception messages name keys and internals.
    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "its signature is not valid.",
        SecurityTokenInvalidAudienceException => "it is not meant for this service (audience).",
        SecurityTokenInvalidIssuerException => "it was not issued by a trusted issuer.",
        _ => "it is not valid.",
    };
}
