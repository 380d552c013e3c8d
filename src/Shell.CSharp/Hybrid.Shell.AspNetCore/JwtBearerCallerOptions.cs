using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Hybrid.Shell.Http;

/// <summary>Which authentication scheme <see cref="JwtBearerCallerResolver"/> asks, and which claims name the caller.</summary>
public sealed record JwtBearerCallerOptions
{
    /// <summary>The JWT bearer scheme registered with <c>AddAuthentication().AddJwtBearer(...)</c>.</summary>
    public string Scheme { get; init; } = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>The claim holding the tenant (required: a token without it is refused with 403).</summary>
    public string TenantClaim { get; init; } = "tenant";

    /// <summary>The claims holding the actor, first present wins ("sub", which JwtBearer maps to the name identifier by default).</summary>
    public IReadOnlyList<string> ActorClaims { get; init; } = ["sub", ClaimTypes.NameIdentifier];

    /// <summary>The claims holding roles, each value one role ("roles"/"role", which JwtBearer maps to <see cref="ClaimTypes.Role"/> by default).</summary>
    public IReadOnlyList<string> RoleClaims { get; init; } = ["roles", "role", ClaimTypes.Role];
}
