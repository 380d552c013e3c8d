using Hybrid.Shell.Postgres;
using Npgsql;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// How <see cref="PostgresHybridBuilderExtensions.UsePostgres(HybridBuilder, Npgsql.NpgsqlDataSource, Action{PostgresHybridOptions}?)"/>
/// migrates and names things. Plain settable properties: set them in the configure callback (C# or F#).
/// </summary>
public sealed class PostgresHybridOptions
{
    /// <summary>
    /// A connection string that may migrate (a superuser, or an owner with CREATEROLE and BYPASSRLS): the schema,
    /// the processing tables and the application role are migrated on first use. Null when an operator applied them.
    /// </summary>
    public string? MigrationConnectionString { get; set; }

    /// <summary>The schema holding the tables ("hybrid" by default).</summary>
    public string Schema { get; set; } = "hybrid";

    /// <summary>The role the data source logs in as; migrations create it and grant it access.</summary>
    public string ApplicationRole { get; set; } = "hybrid_app";

    /// <summary>The application role's password, set by migrations when given.</summary>
    public string? ApplicationRolePassword { get; set; }

    /// <summary>Whether appends NOTIFY other nodes' subscriptions (on by default).</summary>
    public bool NotifyOnAppend { get; set; } = true;

    /// <summary>The most events one group-commit transaction carries.</summary>
    public int MaxEventsPerCommit { get; set; } = 5_000;

    /// <summary>The event store's options on a data source, migrated with <paramref name="migrationConnectionString"/> when given.</summary>
    public PostgresEventStoreOptions StoreOptions(NpgsqlDataSource dataSource, string? migrationConnectionString) => new()
    {
        DataSource = dataSource,
        MigrationConnectionString = migrationConnectionString,
        Schema = Schema,
        ApplicationRole = ApplicationRole,
        ApplicationRolePassword = ApplicationRolePassword,
        NotifyOnAppend = NotifyOnAppend,
        MaxEventsPerCommit = MaxEventsPerCommit,
    };
}
