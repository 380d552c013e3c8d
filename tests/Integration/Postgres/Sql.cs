using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Raw SQL for tests: as the application role or as the superuser, outside the store.</summary>
public static class Sql
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<object?> ScalarAsync(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<T>> ColumnAsync<T>(this NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync()) values.Add(reader.GetFieldValue<T>(0));
        return values;
    }

    /// <summary>Waits until a backend of the application role waits on a lock in this database; returns its pid.</summary>
    public static async Task<int> WaitForBlockedBackendAsync(NpgsqlConnection admin, string role = "hybrid_app")
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            // The caller may hold a transaction open (the lock the backend waits for), and within a transaction
            // PostgreSQL keeps its first snapshot of pg_stat_activity: clear it, or a backend that starts waiting after
            // the first look is never seen.
            await admin.ExecuteAsync("SELECT pg_stat_clear_snapshot()");
            var pids = await admin.ColumnAsync<int>(
                "SELECT pid FROM pg_stat_activity WHERE usename = @role AND datname = current_database() AND wait_event_type = 'Lock'",
                ("role", role));
            if (pids.Count > 0) return pids[0];
            await Task.Delay(20);
        }
        throw new TimeoutException("No backend of the application role started waiting for the tenant lock.");
    }

    /// <summary>Opens a superuser transaction that locks a tenant's row, as a writer holding the tenant lock would.</summary>
    public static async Task<NpgsqlTransaction> LockTenantAsync(NpgsqlConnection admin, string tenant)
    {
        var tx = await admin.BeginTransactionAsync();
        await admin.ExecuteAsync("INSERT INTO hybrid.tenants (tenant_id, head) VALUES (@t, 0) ON CONFLICT (tenant_id) DO UPDATE SET head = hybrid.tenants.head", ("t", tenant));
        return tx;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}
