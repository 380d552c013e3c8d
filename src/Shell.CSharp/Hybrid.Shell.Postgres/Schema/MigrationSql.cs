namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// The SQL a migration run executes, as text: the migrator runs exactly these pieces, and <see cref="MigrationScript"/>
/// prints them for a DBA. Values are literals (versions, descriptions of [a-z0-9 ], hex checksums), never user input.
/// </summary>
internal static class MigrationSql
{
    public static string Lock(PostgresSchemaNames names) => $"SELECT pg_advisory_lock(hashtextextended('{names.LockKey}', 0));";

    public static string Unlock(PostgresSchemaNames names) => $"SELECT pg_advisory_unlock(hashtextextended('{names.LockKey}', 0));";

    /// <summary>The idempotent set-up: roles, schema, history table.</summary>
    public static string Before(PostgresSchemaNames names) => Files(names, MigrationCatalog.Before);

    /// <summary>The idempotent clean-up: the owner role takes every object of the schema.</summary>
    public static string After(PostgresSchemaNames names) => Files(names, MigrationCatalog.After);

    /// <summary>A migration's files and its history row, to run in one transaction.</summary>
    public static string Body(PostgresSchemaNames names, Migration migration) =>
        Files(names, migration.Files) +
        $"INSERT INTO {names.Schema}.schema_migrations (version, description, checksum) " +
        $"VALUES ({migration.Version}, '{migration.Description}', '{migration.Checksum}');\n";

    public static string History(PostgresSchemaNames names) => $"SELECT version, checksum FROM {names.Schema}.schema_migrations ORDER BY version";

    private static string Files(PostgresSchemaNames names, IEnumerable<SqlFile> files) =>
        string.Concat(files.Select(f => $"-- {f.Path}\n{names.Render(f.Text).TrimEnd()}\n"));
}
