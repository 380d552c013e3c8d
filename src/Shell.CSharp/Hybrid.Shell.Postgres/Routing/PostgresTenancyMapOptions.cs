namespace Hybrid.Shell.Postgres.Routing;

/// <summary>How a <see cref="PostgresTenancyMap"/> keeps its catalogue and its copy of it.</summary>
public sealed record PostgresTenancyMapOptions
{
    /// <summary>The database unknown tenants are created in on first use; null refuses them (an UnknownTenantException).</summary>
    public string? DefaultDatabase { get; init; }

    /// <summary>The schema and roles of the catalogue database (migrated with them on first use).</summary>
    public PostgresSchemaNames Names { get; init; } = new();

    /// <summary>The application role's password, when the migration creates it.</summary>
    public string? ApplicationRolePassword { get; init; }

    /// <summary>
    /// The oldest this node's copy of the map may be when it routes a call (on the map's clock): older, it is read again
    /// whole first. Notifications keep it fresher; this bounds the damage of a missed one.
    /// </summary>
    public TimeSpan MaxStaleness { get; init; } = TimeSpan.FromSeconds(5);
}
