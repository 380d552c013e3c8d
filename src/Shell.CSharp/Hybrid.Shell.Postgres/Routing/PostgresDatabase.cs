using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// One PostgreSQL database of a tenancy map: how the application reaches it (logging in as the application role) and,
/// optionally, how to migrate it (an owner or superuser), which happens when it is first used.
/// </summary>
/// <param name="Name">The database's name in the tenancy map (any label; not necessarily the PostgreSQL database name).</param>
/// <param name="ConnectionString">A connection string logging in as the application role.</param>
/// <param name="MigrationConnectionString">A connection string that may migrate, or null when an operator migrates.</param>
public sealed record PostgresDatabase(string Name, string ConnectionString, string? MigrationConnectionString = null)
{
    /// <summary>
    /// A database the <paramref name="adminConnectionString"/> may migrate; the application logs in to the same host and
    /// database as <paramref name="applicationRole"/>.
    /// </summary>
    public static PostgresDatabase ForAdmin(string name, string adminConnectionString, string applicationRole = "hybrid_app", string? password = null)
    {
        var app = new NpgsqlConnectionStringBuilder(adminConnectionString) { Username = applicationRole, Password = password };
        return new PostgresDatabase(name, app.ConnectionString, adminConnectionString);
    }

    /// <summary>The database named for messages: its label, host, port and PostgreSQL database.</summary>
    public override string ToString()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"'{Name}' ({builder.Host}:{builder.Port}/{builder.Database})";
    }
}
