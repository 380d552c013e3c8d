using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Hosting;

/// <summary>Chooses several PostgreSQL databases, one per group of tenants, for <c>AddHybrid</c>.</summary>
public static class PostgresDatabasesHybridBuilderExtensions
{
    /// <summary>
    /// Tenants spread over several PostgreSQL databases (on one server or many) by a tenancy map: events, checkpoints,
    /// leases, dead letters and subject keys of a tenant live in its database, and each database gets a processor host of its own on
    /// every node (leases and fair sharing per database). A database is opened, and migrated when it has a migration
    /// connection string, on first use; one that is down fails only its tenants' calls (503) and is retried on the next
    /// call, with no restart. The map is also the tenant catalogue when it is one (<see cref="TenancyMap"/>, or the map
    /// shared by several nodes, <see cref="PostgresTenancyMap"/>, which its creator disposes).
    /// <paramref name="configure"/> sets the schema, roles and batching shared by every database.
    /// </summary>
    public static HybridBuilder UsePostgresDatabases(this HybridBuilder builder, ITenancyMap map, IReadOnlyList<PostgresDatabase> databases,
        Action<PostgresHybridOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(databases);
        var missing = map.Databases.Where(name => databases.All(d => d.Name != name)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"The tenancy map names database(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} that are not configured.", nameof(databases));
        var options = new PostgresHybridOptions();
        configure?.Invoke(options);
        var ordered = map.Databases.Select(name => databases.First(d => d.Name == name)).ToArray();
        builder.Services.AddSingleton(map);
        builder.Services.AddSingleton(sp => PostgresTenantDatabases.Create(ordered, options, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new RoutingEventStore(map, sp.GetRequiredService<TenantDatabases>(), logger:
            sp.GetService<ILoggerFactory>()?.CreateLogger<RoutingEventStore>(), clock: sp.GetRequiredService<TimeProvider>()));
        builder
            .UseEventStore(sp => sp.GetRequiredService<RoutingEventStore>())
            .UseLeaseStore(sp => RoutingLeaseStore.ByTenant(map, sp.GetRequiredService<TenantDatabases>()))
            .UseDeadLetterStore(sp => new RoutingDeadLetterStore(sp.GetRequiredService<RoutingEventStore>()))
            .UseSubjectKeyStore(sp => new RoutingSubjectKeyStore(sp.GetRequiredService<RoutingEventStore>(), options.Schema))
            .UseProcessorPartitions(sp =>
            {
                var routes = sp.GetRequiredService<RoutingEventStore>();
                return map.Databases
                    .Select(name => new ProcessorPartition(name, RoutingLeaseStore.Pinned(routes.Databases, name), ct => routes.TenantsIn(name, ct)))
                    .ToArray();
            });
        if (map is ITenantCatalogue catalogue) builder.UseTenantCatalogue(_ => catalogue);
        return builder;
    }
}
