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
        if (options.MigrationConnectionString is { } admin)
            builder.Services.AddSingleton(new ProcessingMigration(admin, options.Schema, options.ApplicationRole));
        return builder
            .UseEventStore(sp =>
            {
                var store = PostgresEventStore.CreateAsync(options with { Clock = sp.GetRequiredService<TimeProvider>() }).GetAwaiter().GetResult();
                sp.GetService<ProcessingMigration>()?.Run();
                return store;
            })
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

    private sealed class ProcessingMigration(string admin, string schema, string role)
    {
        private readonly Lazy<bool> _done = new(() =>
        {
            ProcessingSchema.MigrateAsync(admin, schema, role).GetAwaiter().GetResult();
            return true;
        });

        public void Run() => _ = _done.Value;
    }
}
