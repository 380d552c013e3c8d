using System.Security.Claims;

namespace Hybrid.Shell.Http;

/// <summary>
/// The tenant of an authenticated user's claims, read the same way by every claims-based resolver: exactly one
/// distinct value of the tenant claim. A user without one, or whose credentials name several tenants (a JSON array in
/// the token, say), is refused with 403 naming the claim: the adapter never picks one of several tenants, as it never
/// picks one of several <c>X-Tenant</c> headers.
/// </summary>
internal static class TenantClaim
{
    public static (string Tenant, CallerResult? Refusal) Read(ClaimsPrincipal user, string claim, string holder)
    {
        var tenants = user.FindAll(claim).Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToArray();
        return tenants.Length switch
        {
            0 => ("", CallerResult.Forbidden(claim, $"{holder} has no '{claim}' claim.")),
            1 => (tenants[0], null),
            _ => ("", CallerResult.Forbidden(claim, $"{holder} names {tenants.Length} tenants in its '{claim}' claim; it must name one.")),
        };
    }
}
