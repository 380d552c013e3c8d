using Npgsql;

namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// Applies missing migrations under a session advisory lock, so nodes starting together migrate once: the first
/// applies, the others wait and then find nothing to do. Each migration commits with its version row.
/// </summary>
internal static class Migrator
{
    public static async Task MigrateAsync(string connectionString, string schema, string appRole, string? appPassword, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        var lockKey = $"hybrid.migrations:{schema}";
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(hashtextextended(@key, 0))", ct, ("key", lockKey)).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection,
                $"CREATE SCHEMA IF NOT EXISTS {schema}; " +
                $"CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (version int PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                ct).ConfigureAwait(false);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand($"SELECT version FROM {schema}.schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) applied.Add(reader.GetInt32(0));

            foreach (var migration in Migrations.All.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await ExecuteAsync(connection, migration.Render(schema, appRole), ct).ConfigureAwait(false);
                await ExecuteAsync(connection, $"INSERT INTO {schema}.schema_migrations (version, description) VALUES (@v, @d)", ct,
                    ("v", migration.Version), ("d", migration.Description)).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            if (appPassword is not null)
                await ExecuteAsync(connection, $"ALTER ROLE {appRole} PASSWORD {QuoteLiteral(appPassword)}", ct).ConfigureAwait(false);
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtextextended(@key, 0))", CancellationToken.None, ("key", lockKey))
                .ConfigureAwait(false);
        }
    }

    /// <summary>The latest version applied, 0 when none.</summary>
    public static async Task<int> VersionAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations", connection);
        return (int)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''") + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
