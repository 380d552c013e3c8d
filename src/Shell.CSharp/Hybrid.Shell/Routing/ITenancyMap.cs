namespace Hybrid.Shell.Routing;

/// <summary>
/// Where each tenant's data lives: the name of one of the configured databases. Every part of the shell that touches a
/// tenant (events, checkpoints, leases, dead letters, processors) follows it.
/// </summary>
public interface ITenancyMap
{
    /// <summary>The databases tenants can live in, in configuration order (the first is the home of node-wide leases).</summary>
    IReadOnlyList<string> Databases { get; }

    /// <summary>
    /// The database of the tenant. An unmapped tenant is assigned to the default database when the map has one,
    /// else an <see cref="UnknownTenantException"/> naming it is thrown.
    /// </summary>
    ValueTask<string> DatabaseOf(string tenant, CancellationToken ct);

    /// <summary>Points the tenant at a database (a new tenant, or the switch of a move); takes effect at once.</summary>
    ValueTask Assign(string tenant, string database, CancellationToken ct);
}
