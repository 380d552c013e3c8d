using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>
/// Dead letters in PostgreSQL, one row per (tenant, processor, position), under row-level security by tenant like the
/// events: every statement runs in its tenant's scope. A listing across tenants asks which tenants have dead letters
/// (<c>tenants_with_dead_letters</c>) and reads each one's in its own scope, in one batch.
/// </summary>
public sealed class PostgresDeadLetterStore : IDeadLetterStore, IAsyncDisposable
{
    private const string Columns = "tenant_id, processor, position, event_id, event_type, error, attempts, failed_at, status";
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _schema;
    private readonly string _table;

    /// <summary>A store on the tables of the schema's migrations (<see cref="PostgresMigrations"/>), connecting as the application role with its own connection pool.</summary>
    public PostgresDeadLetterStore(string connectionString, string schema = "hybrid") : this(NpgsqlDataSource.Create(connectionString), schema, ownsSource: true)
    {
    }

    /// <summary>A store on the tables of the schema's migrations, on the application's data source (not disposed with the store).</summary>
    public PostgresDeadLetterStore(NpgsqlDataSource dataSource, string schema = "hybrid") : this(dataSource, schema, ownsSource: false)
    {
    }

    private PostgresDeadLetterStore(NpgsqlDataSource dataSource, string schema, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _schema = SqlIdentifier.Require(schema, nameof(schema));
        _source = dataSource;
        _ownsSource = ownsSource;
        _table = $"{schema}.dead_letters";
    }

    /// <inheritdoc />
    public async Task Put(DeadLetter deadLetter, CancellationToken ct)
    {
        var d = StoreInput.DeadLetter(deadLetter);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = TenantScope.Begin(connection, d.Tenant, customPlans: false);
        var command = batch.Add(d.Tenant, $"""
            INSERT INTO {_table} ({Columns}) VALUES (@tenant, @processor, @position, @id, @type, @error, @attempts, @at, @status)
            ON CONFLICT (tenant_id, processor, position) DO UPDATE SET event_id = excluded.event_id, event_type = excluded.event_type,
                error = excluded.error, attempts = excluded.attempts, failed_at = excluded.failed_at, status = excluded.status
            """);
        command.Parameters.AddWithValue("processor", d.Processor);
        command.Parameters.AddWithValue("position", d.Position);
        command.Parameters.AddWithValue("id", d.EventId);
        command.Parameters.AddWithValue("type", d.EventType);
        command.Parameters.AddWithValue("error", d.Error);
        command.Parameters.AddWithValue("attempts", d.Attempts);
        command.Parameters.AddWithValue("at", d.FailedAt);
        command.Parameters.AddWithValue("status", (short)d.Status);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc />
    public async Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        StoreInput.DeadLetterFilter(tenant, processor);
        await using var connection = await _source.OpenConnectionAsync(ct);
        var tenants = tenant is not null ? [tenant] : await TenantsWithDeadLetters(connection, ct);
        if (tenants.Length == 0) return [];
        // One transaction for the batch: each tenant's read runs after set_config switched the scope to it.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        foreach (var t in tenants)
        {
            batch.Add(t, "SELECT set_config('hybrid.tenant', @tenant, true)");
            var select = batch.Add(t, $"""
                SELECT {Columns} FROM {_table}
                WHERE tenant_id = @tenant AND (@processor::text IS NULL OR processor = @processor) ORDER BY processor, position
                """);
            select.Parameters.Add(new NpgsqlParameter("processor", NpgsqlDbType.Text) { Value = (object?)processor ?? DBNull.Value });
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        var letters = new List<DeadLetter>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount == Columns.Split(',').Length)
                while (await reader.ReadAsync(ct)) letters.Add(Read(reader));
        } while (await reader.NextResultAsync(ct));
        return letters.OrderBy(l => l.Tenant, StringComparer.Ordinal).ThenBy(l => l.Processor, StringComparer.Ordinal).ThenBy(l => l.Position).ToArray();
    }

    /// <inheritdoc />
    public async Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        StoreInput.Processor(tenant, processor);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = TenantScope.Begin(connection, tenant, customPlans: false);
        var select = batch.Add(tenant, $"SELECT {Columns} FROM {_table} WHERE tenant_id = @tenant AND processor = @processor AND position = @position");
        select.Parameters.AddWithValue("processor", processor);
        select.Parameters.AddWithValue("position", position);
        await using var reader = await batch.ReadAsync(ct);
        return await reader.ReadAsync(ct) ? FSharpOption<DeadLetter>.Some(Read(reader)) : FSharpOption<DeadLetter>.None;
    }

    private async Task<string[]> TenantsWithDeadLetters(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT * FROM {_schema}.tenants_with_dead_letters()", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tenants = new List<string>();
        while (await reader.ReadAsync(ct)) tenants.Add(reader.GetString(0));
        return tenants.ToArray();
    }

    private static DeadLetter Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3), reader.GetString(4),
            reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), (DeadLetterStatus)reader.GetInt16(8));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
