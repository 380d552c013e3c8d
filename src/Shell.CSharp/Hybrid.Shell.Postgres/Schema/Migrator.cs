using Npgsql;

namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// Applies missing migrations under a session advisory lock, so nodes starting together migrate once: the first
/// applies, the others wait and then find nothing to do. Each migration commits with its history row. An applied
/// migration whose files changed since is refused. The application role's password is set only when this run created
/// the role: a node never resets the password of an existing role.
/// </summary>
internal static class Migrator
{
    public static async Task<int[]> MigrateAsync(string connectionString, PostgresSchemaNames names, string? appPassword, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, MigrationSql.Lock(names), ct).ConfigureAwait(false);
        try
        {
            var roleExisted = await RoleExistsAsync(connection, names.ApplicationRole, ct).ConfigureAwait(false);
            await InTransactionAsync(connection, MigrationSql.Before(names), ct).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, names, ct).ConfigureAwait(false);
            var done = new List<int>();
            foreach (var migration in MigrationCatalog.All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum is not null && checksum != migration.Checksum)
                        throw new InvalidOperationException(
                            $"Schema '{names.Schema}': migration {migration.Version} ({migration.Description}) was applied with other SQL than this " +
                            "version ships (its checksum differs): applied migrations must never be edited.");
                    continue;
                }
                await InTransactionAsync(connection, MigrationSql.Body(names, migration), ct).ConfigureAwait(false);
                done.Add(migration.Version);
            }
            await InTransactionAsync(connection, MigrationSql.After(names), ct).ConfigureAwait(false);
            if (!roleExisted && appPassword is not null)
                await ExecuteAsync(connection, $"ALTER ROLE {names.ApplicationRole} PASSWORD {QuoteLiteral(appPassword)}", ct).ConfigureAwait(false);
            return done.ToArray();
        }
        finally
        {
            await ExecuteAsync(connection, MigrationSql.Unlock(names), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The versions applied, with their checksums (null for rows written before checksums were kept); empty without a history table.</summary>
    public static async Task<Dictionary<int, string?>> AppliedAsync(NpgsqlConnection connection, PostgresSchemaNames names, CancellationToken ct)
    {
        var applied = new Dictionary<int, string?>();
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", $"{names.Schema}.schema_migrations");
        if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is not true) return applied;
        await using var read = new NpgsqlCommand(MigrationSql.History(names), connection);
        await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            applied[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return applied;
    }

    private static async Task<bool> RoleExistsAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = @role)", connection);
        command.Parameters.AddWithValue("role", role);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    private static async Task InTransactionAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, sql, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''") + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
