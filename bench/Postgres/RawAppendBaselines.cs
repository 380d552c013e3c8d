// The raw ceilings the store's appends are compared with: plain SQL over Npgsql on the same server and table shape.
using Hybrid.Shell.Ids;
using Hybrid.Bench.Measure;
using Hybrid.Bench.Workload;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Bench.Postgres;

/// <summary>Raw append baselines; each returns events per second.</summary>
public sealed class RawAppendBaselines(NpgsqlDataSource db, BenchSizes sizes)
{
    /// <summary>
    /// One-row INSERT per autocommit statement into the table, positions chosen by the client (no lock); client c
    /// writes to tenant prefix + (c mod tenants).
    /// </summary>
    public async Task<double> SingleInsert(string table, string tenantPrefix, int tenants, int clients)
    {
        var insertOne = $"INSERT INTO {table} ({RawEventTable.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())";
        var positions = new long[tenants];
        await using var raw = await RawClients.OpenAsync(db, clients);
        return await ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var t = client % tenants;
            var p = Interlocked.Increment(ref positions[t]);
            await using var cmd = new NpgsqlCommand(insertOne, raw.Connections[client]);
            AddRow(cmd, $"{tenantPrefix}{t}", p, $"client-{client}", i + 1, $"c{client}", p);
            await cmd.ExecuteNonQueryAsync();
            return 1;
        });
    }

    /// <summary>100-row multi-row INSERT (VALUES lists) per transaction into the table.</summary>
    public async Task<double> BatchValues(string table, string tenantPrefix, int tenants, int clients, int batch)
    {
        var sql = $"INSERT INTO {table} ({RawEventTable.Columns}) VALUES " +
            string.Join(", ", Enumerable.Range(0, batch).Select(r => $"(${r * 9 + 1}, ${r * 9 + 2}, ${r * 9 + 3}, ${r * 9 + 4}, ${r * 9 + 5}, ${r * 9 + 6}, ${r * 9 + 7}, ${r * 9 + 8}, ${r * 9 + 9}, now())"));
        var positions = new long[tenants];
        await using var raw = await RawClients.OpenAsync(db, clients);
        return await ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var t = client % tenants;
            var first = Interlocked.Add(ref positions[t], batch) - batch + 1;
            var conn = raw.Connections[client];
            await using var tx = await conn.BeginTransactionAsync();
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            for (var r = 0; r < batch; r++) AddRow(cmd, $"{tenantPrefix}{t}", first + r, null, 0, $"c{client}", first + r);
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            return batch;
        });
    }

    /// <summary>100-row binary COPY per transaction into the table.</summary>
    public async Task<double> BatchCopy(string table, string tenantPrefix, int tenants, int clients, int batch)
    {
        var positions = new long[tenants];
        await using var raw = await RawClients.OpenAsync(db, clients);
        return await ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var t = client % tenants;
            var first = Interlocked.Add(ref positions[t], batch) - batch + 1;
            var conn = raw.Connections[client];
            await using var tx = await conn.BeginTransactionAsync();
            await using (var copy = await conn.BeginBinaryImportAsync($"COPY {table} ({RawEventTable.Columns}) FROM STDIN (FORMAT BINARY)"))
            {
                var now = DateTime.UtcNow;
                for (var r = 0; r < batch; r++)
                    await RawEventTable.WriteRowAsync(copy, $"{tenantPrefix}{t}", first + r, UuidV7IdSource.System.NewId(), null, 0, $"c{client}", first + r, now);
                await copy.CompleteAsync();
            }
            await tx.CommitAsync();
            return batch;
        });
    }

    /// <summary>
    /// The dynamic-consistency-boundary append in plain SQL: in one transaction, a per-tenant advisory lock, then one
    /// INSERT of the next position guarded by NOT EXISTS over the two tags after a position (both sent as one batch).
    /// </summary>
    public async Task<double> LockExistsInsert(string tenant, int clients, long after, string round)
    {
        const string guardedInsert =
            $"""
            INSERT INTO {RawEventTable.Name} ({RawEventTable.Columns})
            SELECT $1, coalesce((SELECT max(position) FROM {RawEventTable.Name} WHERE tenant_id = $1), 0) + 1,
                   $2, NULL, 0, $3, $4, $5, $6, now()
            WHERE NOT EXISTS (SELECT 1 FROM {RawEventTable.Name}
                              WHERE bench_raw.keys(tenant_id, event_type, tags) @> $8 AND tenant_id = $1 AND position > $7)
            """;
        await using var raw = await RawClients.OpenAsync(db, clients);
        return await ClientLoad.EventsPerSecond(clients, sizes.Warmup, sizes.Measure, async (client, i) =>
        {
            var conn = raw.Connections[client];
            var n = (long)client << 32 | i;
            var tags = BenchEvents.Tags($"{round}dcb{clients}x{client}", n);
            await using var tx = await conn.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(conn, tx);
            var lockTenant = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtext($1))");
            lockTenant.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            var insert = new NpgsqlBatchCommand(guardedInsert);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = UuidV7IdSource.System.NewId() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.Type });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = tags });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.Body(n), NpgsqlDbType = NpgsqlDbType.Json });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.MetadataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Array.ConvertAll(tags, t => $"{tenant}/#{t}") });
            batch.BatchCommands.Add(lockTenant);
            batch.BatchCommands.Add(insert);
            await batch.ExecuteNonQueryAsync();
            if (insert.RecordsAffected != 1) throw new InvalidOperationException("The raw DCB insert found a matching event; tags must be unique per append.");
            await tx.CommitAsync();
            return 1;
        });
    }

    private static void AddRow(NpgsqlCommand cmd, string tenant, long position, string? stream, long version, string group, long n)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = UuidV7IdSource.System.NewId() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)stream ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.Type });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = BenchEvents.Tags(group, n) });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.Body(n), NpgsqlDbType = NpgsqlDbType.Json });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = BenchEvents.MetadataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
    }
}
