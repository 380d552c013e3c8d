using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// A caller's reach on the admin surface: its access and the one tenant it covers (null: every tenant, an operator of
/// <see cref="HybridAdminOptions.OperationsTenant"/>), or the refusal of a caller that could not be resolved. Every
/// endpoint naming a tenant asks <see cref="Refuses"/>; every listing narrows itself with <see cref="Narrow"/>.
/// </summary>
internal sealed record AdminScope(AdminAccess Access, string? OnlyTenant, IResult? Unresolvable)
{
    /// <summary>The scope of a caller the resolver refused: its refusal answers every request.</summary>
    public static AdminScope Unresolved(IResult refusal) => new(AdminAccess.None, "", refusal);

    /// <summary>Whether the caller may see and act on <paramref name="tenant"/>.</summary>
    public bool Covers(string tenant) => OnlyTenant is null || string.Equals(OnlyTenant, tenant, StringComparison.Ordinal);

    /// <summary>
    /// Null when the caller covers <paramref name="tenant"/>; else a 400 naming <c>tenant</c> for an id no tenant can
    /// have, or a 403 that says nothing of the tenant (whether it exists or not).
    /// </summary>
    public IResult? Refuses(string tenant)
    {
        if (Covers(tenant)) return null;
        if (Validation.tenant(tenant) is { IsError: true } invalid)
            return Problems.Result(Problems.Invalid(new Validation.Error("tenant", invalid.ErrorValue.Message)), StatusCodes.Status400BadRequest);
        return Problems.Result(Problems.Unauthorized("The caller may use the admin surface for its own tenant only."), StatusCodes.Status403Forbidden);
    }

    /// <summary>
    /// The tenant a listing or an every-tenant operation is confined to: the one asked for when covered (else the
    /// refusal of <see cref="Refuses"/>), or, when none is asked for, the caller's own (null for an every-tenant operator).
    /// </summary>
    public bool Narrow(string? asked, out string? tenant, [NotNullWhen(false)] out IResult? refusal)
    {
        tenant = asked ?? OnlyTenant;
        refusal = asked is null ? null : Refuses(asked);
        return refusal is null;
    }
}
