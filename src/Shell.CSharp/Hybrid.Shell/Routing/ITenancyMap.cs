namespace Hybrid.Shell.Routing;

/// <summary>
/// Where each tenant's data lives: the name of one of the configured databases. Every part of the shell that touches a
/// tenant (events, checkpoints, leases, dead letters, processors) follows it. A move changes a route in three steps
/// (<see cref="BeginMove"/>, then <see cref="CompleteMove"/> or <see cref="AbortMove"/>), each raising its version.
/// </summary>
public interface ITenancyMap
{
    /// <summary>The databases tenants can live in, in configuration order (the first is the home of node-wide leases).</summary>
    IReadOnlyList<string> Databases { get; }

    /// <summary>
    /// The database of the tenant (as this node knows it: a shared map may be a little stale, which the databases'
    /// fences make safe). An unmapped tenant is assigned to the default database when the map has one, else an
    /// <see cref="UnknownTenantException"/> naming it is thrown.
    /// </summary>
    ValueTask<string> DatabaseOf(string tenant, CancellationToken ct);

    /// <summary>Points a tenant at a database (a new tenant; an existing one only moves); takes effect at once.</summary>
    ValueTask Assign(string tenant, string database, CancellationToken ct);

    /// <summary>The tenant's route as the map holds it now (read afresh from a shared map). Unknown tenants throw.</summary>
    ValueTask<TenantRoute> RouteOf(string tenant, CancellationToken ct);

    /// <summary>
    /// Records that the tenant starts moving to <paramref name="to"/> (the route stays until the switch). The same move
    /// again returns its route unchanged; another move under way throws an <see cref="InvalidOperationException"/>.
    /// </summary>
    ValueTask<TenantRoute> BeginMove(string tenant, string to, CancellationToken ct);

    /// <summary>Switches the tenant to the target of its move under way (nothing when none is).</summary>
    ValueTask<TenantRoute> CompleteMove(string tenant, CancellationToken ct);

    /// <summary>Forgets the tenant's move under way; the route stays where it was (nothing when none is).</summary>
    ValueTask<TenantRoute> AbortMove(string tenant, CancellationToken ct);

    /// <summary>Reads the tenant's route again now (a database refused its write: it moved, or is moving).</summary>
    ValueTask Refresh(string tenant, CancellationToken ct);
}
