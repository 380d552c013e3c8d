namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// The migrations as one psql script, for a DBA who applies them by hand: the lock, the set-up, then each pending
/// migration in its own transaction with its history row. Holds no password: the DBA sets the application role's.
/// </summary>
internal static class MigrationScript
{
    public static string Render(PostgresSchemaNames names, IReadOnlySet<int> applied)
    {
        var pending = MigrationCatalog.All.Where(m => !applied.Contains(m.Version)).ToList();
        var script = new System.Text.StringBuilder();
        script.Append($"""
            -- Hybrid schema '{names.Schema}' (roles {names.OwnerRole}, {names.ApplicationRole}, {names.ReportingRole}): {Describe(pending)}.
            -- Run as a superuser (or the database owner with CREATEROLE, a member of {names.OwnerRole}), e.g.
            -- psql -v ON_ERROR_STOP=1 -f this-file. Then set the application role's password yourself:
            -- ALTER ROLE {names.ApplicationRole} PASSWORD '...';
            {MigrationSql.Lock(names)}

            """);
        script.Append(MigrationSql.Before(names)).Append('\n');
        foreach (var migration in pending)
            script.Append($"-- migration {migration.Version}: {migration.Description}\nBEGIN;\n")
                .Append(MigrationSql.Body(names, migration))
                .Append("COMMIT;\n\n");
        script.Append("BEGIN;\n").Append(MigrationSql.After(names)).Append("COMMIT;\n\n");
        script.Append(MigrationSql.Unlock(names)).Append('\n');
        return script.ToString();
    }

    private static string Describe(List<Migration> pending) => pending.Count == 0
        ? "no pending migrations"
        : $"migrations {pending[0].Version} to {pending[^1].Version}";
}
