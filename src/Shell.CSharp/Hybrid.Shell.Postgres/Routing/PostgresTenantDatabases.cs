using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Shell.Routing;
using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// Opens the PostgreSQL databases of a tenancy map: per database one connection pool shared by its event store, lease
/// store and dead-letter store, migrated on first use when it has a migration connection string.
/// </summary>
public static class PostgresTenantDatabases
{
    /// <summary>The databases, each opened on first use with the settings of <paramref name="options"/> (schema, roles, batching).</summary>
    public static TenantDatabases Create(IReadOnlyList<PostgresDatabase> databases, PostgresHybridOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(databases);
        var byName = new Dictionary<string, PostgresDatabase>(StringComparer.Ordinal);
        foreach (var database in databases)
            if (!byName.TryAdd(database.Name, database)) throw new ArgumentException($"Database '{database.Name}' is listed twice.", nameof(databases));
        if (byName.Count == 0) throw new ArgumentException("At least one database is needed.", nameof(databases));
        return new TenantDatabases(databases.Select(d => d.Name), (name, ct) => OpenAsync(byName[name], options, clock, ct));
    }

    /// <summary>Opens (and migrates, when it has a migration connection string) one database.</summary>
    public static async Task<TenantDatabase> OpenAsync(PostgresDatabase database, PostgresHybridOptions options, TimeProvider clock, CancellationToken ct)
    {
        var source = NpgsqlDataSource.Create(PostgresEventStore.WithPreparedStatements(database.ConnectionString));
        try
        {
            var store = await PostgresEventStore.CreateAsync(options.StoreOptions(source, database.MigrationConnectionString) with { Clock = clock }, ct);
            return new TenantDatabase(database.Name, store, new PostgresLeaseStore(source, options.Schema),
                new PostgresDeadLetterStore(source, options.Schema), source);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Applies missing migrations to every database (each with its migration connection string); returns what each
    /// got. Throws for a database without one.
    /// </summary>
    public static async Task<IReadOnlyList<(PostgresDatabase Database, int[] Applied)>> MigrateAllAsync(IEnumerable<PostgresDatabase> databases,
        PostgresHybridOptions options, CancellationToken ct = default)
    {
        var results = new List<(PostgresDatabase, int[])>();
        foreach (var database in databases)
        {
            var admin = database.MigrationConnectionString
                ?? throw new InvalidOperationException($"Database {database} has no migration connection string.");
            var applied = await PostgresMigrations.ApplyAsync(admin, new PostgresSchemaNames(options.Schema, options.ApplicationRole),
                options.ApplicationRolePassword, ct);
            results.Add((database, applied));
        }
        return results;
    }
}
