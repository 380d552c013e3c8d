namespace Hybrid.Shell.Routing;

/// <summary>
/// The tenant is not in the tenancy map and the map has no default database: nothing is read or written. A caller's
/// mistake (HTTP 400), named after the tenant.
/// </summary>
public sealed class UnknownTenantException(string tenant)
    : InvalidInputException("tenant", $"Tenant '{tenant}' is not in the tenancy map: assign it to a database first.")
{
    /// <summary>The unknown tenant.</summary>
    public string Tenant { get; } = tenant;
}
