using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres.Startup;

/// <summary>
/// Why a PostgreSQL event store could not be opened, in an operator's words: an outage (the server is down or
/// unreachable: wait) or a configuration error (wrong password, missing database or role, a role that bypasses
/// row-level security: fix it), and what to fix.
/// </summary>
internal static class PostgresStartupFailure
{
    /// <summary>The database, host and port the store connects to (never the password).</summary>
    public static string Describe(PostgresEventStoreOptions options)
    {
        var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? options.DataSource?.ConnectionString : options.ConnectionString;
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            return $"database '{cs.Database ?? cs.Username}' on {cs.Host}:{cs.Port} as '{cs.Username}'";
        }
        catch (ArgumentException)
        {
            return "the configured database";
        }
    }

    /// <summary>True for a failure that waiting does not cure: the settings (or the server's roles and databases) must change.</summary>
    public static bool IsConfiguration(Exception e) =>
        !StoreFailures.IsUnavailable(e) && (e is InvalidOperationException || SqlState(e) is { } state && IsConfigurationState(state));

    /// <summary>The failure in one line: the server's message for a PostgreSQL error, else the exception's.</summary>
    public static string Explain(Exception e) => e is PostgresException pg ? $"{pg.MessageText} ({pg.SqlState})" : e.Message;

    /// <summary>What to change for a configuration error.</summary>
    public static string FixFor(Exception e, PostgresEventStoreOptions options) => SqlState(e) switch
    {
        "28P01" or "28000" =>
            $"check the user and password of the connection strings (the application role '{options.ApplicationRole}' gets its password " +
            "only when migrations create it; an existing role keeps its own: ALTER ROLE ... PASSWORD to change it).",
        "3D000" => "create the database, or name an existing one in the connection strings.",
        "42501" => "the migration connection string must log in as a superuser or the owner with CREATEROLE and BYPASSRLS; " +
                   "or apply the migrations as such a user and leave MigrationConnectionString unset.",
        _ when e is InvalidOperationException => $"connect as the application role '{options.ApplicationRole}', not as a superuser or the owner.",
        _ => "correct the connection strings or the server's roles and databases.",
    };

    private static string? SqlState(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState,
        { InnerException: { } inner } => SqlState(inner),
        _ => null,
    };

    private static bool IsConfigurationState(string state) =>
        state.StartsWith("28", StringComparison.Ordinal) // invalid authorization
        || state == "3D000"                              // no such database
        || state == "42501"                              // insufficient privilege
        || state == "42704";                             // no such role or object
}
