using Npgsql;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// The tables of the schema keyed by tenant (every base table with a <c>tenant_id</c> column) and how to copy, checksum
/// and delete one tenant's rows in them. Generated columns are left to the server. Tenant ids are validated before they
/// reach here (letters, digits, '-', '_', '.'), and COPY takes no parameters, so the tenant is written as a quoted literal.
/// The catalogue (the shared map) and the fences are not tenant data: a move neither copies nor deletes them.
/// </summary>
internal sealed record TenantTables(string Schema, IReadOnlyList<(string Table, string Columns)> Tables, IReadOnlyList<string> Derived)
{
    /// <summary>Tenant-keyed tables a trigger fills from the events (the tag table): copying the events rebuilds them.</summary>
    private static readonly string[] DerivedTables = ["event_tags"];

    /// <summary>The tenant-keyed tables of the schema, as the database shows them.</summary>
    public static async Task<TenantTables> ReadAsync(NpgsqlConnection connection, string schema, CancellationToken ct)
    {
        const string sql = """
            SELECT c.table_name, string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position)
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = @schema AND c.is_generated = 'NEVER'
              AND c.table_name IN (SELECT table_name FROM information_schema.columns WHERE table_schema = @schema AND column_name = 'tenant_id')
              AND c.table_name NOT IN ('tenant_catalogue', 'tenant_fences')
            GROUP BY c.table_name ORDER BY c.table_name
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("schema", schema);
        var tables = new List<(string, string)>();
        var derived = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (DerivedTables.Contains(reader.GetString(0))) derived.Add(reader.GetString(0));
            else tables.Add((reader.GetString(0), reader.GetString(1)));
        }
        return new TenantTables(schema, tables, derived);
    }

    private static string Literal(string tenant) => "'" + tenant.Replace("'", "''", StringComparison.Ordinal) + "'";

    private string Name(string table) => $"{Schema}.{table}";

    /// <summary>Copies the tenant's rows of one table from the source connection into the target connection (binary COPY).</summary>
    public async Task CopyAsync(NpgsqlConnection source, NpgsqlConnection target, string table, string columns, string tenant, CancellationToken ct)
    {
        await using var from = await source.BeginRawBinaryCopyAsync(
            $"COPY (SELECT {columns} FROM {Name(table)} WHERE tenant_id = {Literal(tenant)}) TO STDOUT (FORMAT BINARY)", ct);
        await using var to = await target.BeginRawBinaryCopyAsync($"COPY {Name(table)} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        await from.CopyToAsync(to, ct);
    }

    /// <summary>
    /// The tenant's row count and an md5 over its rows in one table (leases by resource and fencing token only: their
    /// expiry moves with renewals).
    /// </summary>
    public async Task<(long Count, string Checksum)> ChecksumAsync(NpgsqlConnection connection, string table, string columns, string tenant,
        CancellationToken ct)
    {
        var row = table == "processor_leases" ? "(resource, fencing_token)" : $"({columns})";
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM (SELECT {row} AS r FROM {Name(table)} WHERE tenant_id = @t) x",
            connection);
        command.Parameters.AddWithValue("t", tenant);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    /// <summary>Deletes the tenant's rows from every table; returns how many.</summary>
    public async Task<long> DeleteAsync(NpgsqlConnection connection, string tenant, CancellationToken ct)
    {
        long deleted = 0;
        foreach (var table in Tables.Select(t => t.Table).Concat(Derived))
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {Name(table)} WHERE tenant_id = @t", connection);
            command.Parameters.AddWithValue("t", tenant);
            deleted += await command.ExecuteNonQueryAsync(ct);
        }
        return deleted;
    }

    /// <summary>Lets the next grant of the tenant's copied leases raise their fencing tokens, so a node still working from the old database is fenced out.</summary>
    public async Task ExpireLeasesAsync(NpgsqlConnection connection, string tenant, CancellationToken ct)
    {
        if (Tables.All(t => t.Table != "processor_leases")) return;
        await using var command = new NpgsqlCommand(
            $"UPDATE {Name("processor_leases")} SET expires_at = '-infinity' WHERE tenant_id = @t", connection);
        command.Parameters.AddWithValue("t", tenant);
        await command.ExecuteNonQueryAsync(ct);
    }
}
