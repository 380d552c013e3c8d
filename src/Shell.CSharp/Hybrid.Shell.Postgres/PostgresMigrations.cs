using Hybrid.Shell.Postgres.Schema;
using Npgsql;

namespace Hybrid.Shell.Postgres;

/// <summary>
/// The schema's migrations: embedded <c>.sql</c> files (one database object per file, in numbered folders), applied in
/// order under a migration lock and recorded in <c>schema_migrations</c>; or printed as one script for a DBA.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>Every migration version this build ships, in order.</summary>
    public static IReadOnlyList<int> Versions => MigrationCatalog.All.Select(m => m.Version).ToArray();

    /// <summary>
    /// Applies the missing migrations with an owner or superuser connection string; safe from many nodes at once.
    /// The application role is created when missing, with <paramref name="applicationRolePassword"/> when given; the
    /// password of an existing role is never changed. Returns the versions applied by this call.
    /// </summary>
    public static Task<int[]> ApplyAsync(string migrationConnectionString, PostgresSchemaNames? names = null,
        string? applicationRolePassword = null, CancellationToken ct = default) =>
        Migrator.MigrateAsync(migrationConnectionString, (names ?? new PostgresSchemaNames()).Validate(), applicationRolePassword, ct);

    /// <summary>
    /// The SQL a DBA can run with psql instead of <see cref="ApplyAsync"/>: the migrations not yet applied to the
    /// database of <paramref name="connectionString"/>, or all of them when it is null. It never holds a password.
    /// </summary>
    public static async Task<string> ScriptAsync(string? connectionString, PostgresSchemaNames? names = null, CancellationToken ct = default)
    {
        names = (names ?? new PostgresSchemaNames()).Validate();
        var applied = new HashSet<int>();
        if (connectionString is not null)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            applied.UnionWith((await Migrator.AppliedAsync(connection, names, ct).ConfigureAwait(false)).Keys);
        }
        return MigrationScript.Render(names, applied);
    }
}
