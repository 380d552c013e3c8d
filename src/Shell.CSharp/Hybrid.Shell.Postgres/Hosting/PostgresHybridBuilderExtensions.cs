using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Lifecycle;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Shell.Postgres.Startup;
using Hybrid.Shell.Postgres.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Shell.Hosting;

/// <summary>Chooses PostgreSQL for <see cref="HybridServiceCollectionExtensions.AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>.</summary>
public static class PostgresHybridBuilderExtensions
{
    /// <summary>
    /// The PostgreSQL event store on the application's data source (logging in as the application role), with
    /// checkpoints, leases and dead letters in the same database and schema. With a migration connection string the
    /// schema is migrated as soon as the database can be reached after the host starts (see
    /// <see cref="UsePostgres(HybridBuilder, PostgresEventStoreOptions)"/>). The data source stays the application's: Hybrid does not
    /// dispose it. Subscriptions LISTEN on one of its connections for the store's life: size its pool for it.
    /// </summary>
    public static HybridBuilder UsePostgres(this HybridBuilder builder, NpgsqlDataSource dataSource, Action<PostgresHybridOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        return UsePostgres(builder, dataSource, "", configure);
    }

    /// <summary>The stores on the data source; the LISTEN connection opens from <paramref name="connectionString"/>, outside the pool, when given.</summary>
    private static HybridBuilder UsePostgres(HybridBuilder builder, NpgsqlDataSource dataSource, string connectionString, Action<PostgresHybridOptions>? configure)
    {
        var options = new PostgresHybridOptions();
        configure?.Invoke(options);
        return builder.UsePostgres(options.StoreOptions(dataSource, options.MigrationConnectionString) with { ConnectionString = connectionString });
    }

    /// <summary>
    /// The PostgreSQL stores on a connection string that logs in as the application role: a data source is built
    /// from it and disposed with the container, and subscriptions LISTEN on a connection of their own outside its pool
    /// (with TCP keep-alive), so the pool's connections all serve the application. See <see cref="UsePostgres(HybridBuilder, NpgsqlDataSource, Action{PostgresHybridOptions}?)"/>.
    /// </summary>
    public static HybridBuilder UsePostgres(this HybridBuilder builder, string connectionString, Action<PostgresHybridOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var owned = new OwnedDataSource(NpgsqlDataSource.Create(PostgresEventStore.WithPreparedStatements(connectionString)));
        builder.Services.AddSingleton(owned);
        return UsePostgres(builder, owned.Source, connectionString, configure);
    }

    /// <summary>
    /// The PostgreSQL event store (migrated when the options carry a migration connection string), with leases, dead
    /// letters, the tenant catalogue and crypto-shredding subject keys in the same database and schema. The node starts
    /// whether or not the database can be reached: the store is opened (and migrated) in the background from the
    /// host's start, retrying with backoff until it can be, and meanwhile every call that needs it fails with a
    /// <see cref="StoreUnavailableException"/> (HTTP 503 with Retry-After; processors and schedulers retry their rounds).
    /// A configuration error (a wrong password, a missing database or role) does not stop the node either: it is
    /// logged as an error naming what to fix at each attempt, and the node starts working once it is fixed.
    /// </summary>
    public static HybridBuilder UsePostgres(this HybridBuilder builder, PostgresEventStoreOptions options)
    {
        PostgresEventStore.Validate(options); // here, not when the store first opens: a mistake is not retried as an outage
        builder.Services.AddSingleton(sp => new PostgresStoreGate(options with { Clock = sp.GetRequiredService<TimeProvider>() },
            sp.GetService<ILoggerFactory>()?.CreateLogger<PostgresEventStore>()));
        builder.Services.AddHostedService(sp => new PostgresStoreOpener(sp.GetRequiredService<PostgresStoreGate>(), sp.GetRequiredService<TimeProvider>()));
        return builder
            .UseEventStore(sp => new GatedEventStore(sp.GetRequiredService<PostgresStoreGate>()))
            .UseLeaseStore(sp => new GatedLeaseStore(sp.GetRequiredService<PostgresStoreGate>(), options.DataSource is { } shared
                ? new PostgresLeaseStore(shared, options.Schema)
                : new PostgresLeaseStore(options.ConnectionString, options.Schema)))
            .UseDeadLetterStore(sp => new GatedDeadLetterStore(sp.GetRequiredService<PostgresStoreGate>(), options.DataSource is { } shared
                ? new PostgresDeadLetterStore(shared, options.Schema)
                : new PostgresDeadLetterStore(options.ConnectionString, options.Schema)))
            .UseSubjectKeyStore(sp => new GatedSubjectKeyStore(sp.GetRequiredService<PostgresStoreGate>(), options.DataSource is { } shared
                ? new PostgresSubjectKeyStore(shared, options.Schema)
                : new PostgresSubjectKeyStore(options.ConnectionString, options.Schema)))
            .UseTenantCatalogue(sp =>
            {
                var clock = sp.GetRequiredService<TimeProvider>();
                return new GatedTenantCatalogue(sp.GetRequiredService<PostgresStoreGate>(), options.DataSource is { } shared
                    ? new PostgresTenantCatalogue(shared, options.Schema, clock)
                    : new PostgresTenantCatalogue(options.ConnectionString, options.Schema, clock));
            });
    }

    /// <summary>A data source Hybrid built from a connection string: disposed with the container.</summary>
    private sealed class OwnedDataSource(NpgsqlDataSource source) : IAsyncDisposable
    {
        public NpgsqlDataSource Source { get; } = source;

        public ValueTask DisposeAsync() => Source.DisposeAsync();
    }
}
