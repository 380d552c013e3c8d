using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>Chooses PostgreSQL for <see cref="HybridServiceCollectionExtensions.AddHybrid"/>.</summary>
public static class PostgresHybridBuilderExtensions
{
    /// <summary>
    /// The PostgreSQL event store (migrated when the options carry a migration connection string), with leases, dead
    /// letters and the tenant catalogue in the same database and schema. The store is created once, when first resolved.
    /// </summary>
    public static HybridBuilder UsePostgres(this HybridBuilder builder, PostgresEventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder
            .UseEventStore(sp =>
                PostgresEventStore.CreateAsync(options with { Clock = sp.GetRequiredService<TimeProvider>() }).GetAwaiter().GetResult())
            .UseLeaseStore(sp =>
            {
                sp.GetRequiredService<IEventStore>();
                return new PostgresLeaseStore(options.ConnectionString, options.Schema);
            })
            .UseDeadLetterStore(sp =>
            {
                sp.GetRequiredService<IEventStore>();
                return new PostgresDeadLetterStore(options.ConnectionString, options.Schema);
            })
            .UseTenantCatalogue(sp =>
            {
                sp.GetRequiredService<IEventStore>();
                return new PostgresTenantCatalogue(options.ConnectionString, options.Schema, sp.GetRequiredService<TimeProvider>());
            });
    }
}
