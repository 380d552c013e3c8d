using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>A database's fence of one tenant (<c>tenant_fences</c>): set, lifted and looked at by a move's owner connection.</summary>
internal static class TenantFence
{
    /// <summary>Fences the tenant: waits for its writes in flight (the tenant's row lock), then refuses the later ones.</summary>
    public static async Task FenceAsync(NpgsqlConnection connection, string schema, string tenant, string movedTo, long routeVersion, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {schema}.fence_tenant(@t, @to, @version)", connection);
        command.Parameters.AddWithValue("t", tenant);
        command.Parameters.AddWithValue("to", movedTo);
        command.Parameters.AddWithValue("version", routeVersion);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Lets the tenant's writes through this database again.</summary>
    public static async Task LiftAsync(NpgsqlConnection connection, string schema, string tenant, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {schema}.tenant_fences WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenant);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True when this database fences the tenant.</summary>
    public static async Task<bool> IsFencedAsync(NpgsqlConnection connection, string schema, string tenant, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {schema}.tenant_fences WHERE tenant_id = @t)", connection);
        command.Parameters.AddWithValue("t", tenant);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
