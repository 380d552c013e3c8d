namespace Hybrid.Shell.Routing;

/// <summary>Where a tenant lives in a tenancy map, and whether a move of it is under way.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Database">The database it lives in (its reads and writes go there).</param>
/// <param name="Version">Raised by every change of the route (a move's start, switch or abort).</param>
/// <param name="MovingTo">The database a move under way copies it to, or null.</param>
public sealed record TenantRoute(string Tenant, string Database, long Version, string? MovingTo = null);
