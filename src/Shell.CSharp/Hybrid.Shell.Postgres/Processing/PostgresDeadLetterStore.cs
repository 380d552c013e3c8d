using Microsoft.FSharp.Core;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>Dead letters in PostgreSQL, one row per (tenant, processor, position), on the tables of <see cref="ProcessingSchema"/>.</summary>
public sealed class PostgresDeadLetterStore : IDeadLetterStore, IAsyncDisposable
{
    private const string Columns = "tenant_id, processor, position, event_id, event_type, error, attempts, failed_at, status";
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _table;

    /// <summary>A store on the tables created by <see cref="ProcessingSchema.MigrateAsync"/>, with its own connection pool.</summary>
    public PostgresDeadLetterStore(string connectionString, string schema = "hybrid") : this(NpgsqlDataSource.Create(connectionString), schema, ownsSource: true)
    {
    }

    /// <summary>A store on the tables created by <see cref="ProcessingSchema.MigrateAsync"/>, on the application's data source (not disposed with the store).</summary>
    public PostgresDeadLetterStore(NpgsqlDataSource dataSource, string schema = "hybrid") : this(dataSource, schema, ownsSource: false)
    {
    }

    private PostgresDeadLetterStore(NpgsqlDataSource dataSource, string schema, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ProcessingSchema.Identifier(schema, nameof(schema));
        _source = dataSource;
        _ownsSource = ownsSource;
        _table = $"{schema}.dead_letters";
    }

    /// <inheritdoc />
    public async Task Put(DeadLetter d, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(d);
        await using var command = _source.CreateCommand($"""
            INSERT INTO {_table} ({Columns}) VALUES (@tenant, @processor, @position, @id, @type, @error, @attempts, @at, @status)
            ON CONFLICT (tenant_id, processor, position) DO UPDATE SET event_id = excluded.event_id, event_type = excluded.event_type,
                error = excluded.error, attempts = excluded.attempts, failed_at = excluded.failed_at, status = excluded.status
            """);
        command.Parameters.AddWithValue("tenant", d.Tenant);
        command.Parameters.AddWithValue("processor", d.Processor);
        command.Parameters.AddWithValue("position", d.Position);
        command.Parameters.AddWithValue("id", d.EventId);
        command.Parameters.AddWithValue("type", d.EventType);
        command.Parameters.AddWithValue("error", d.Error);
        command.Parameters.AddWithValue("attempts", d.Attempts);
        command.Parameters.AddWithValue("at", d.FailedAt);
        command.Parameters.AddWithValue("status", (short)d.Status);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc />
    public async Task<DeadLetter[]> List(string? tenant, string? processor, CancellationToken ct)
    {
        await using var command = _source.CreateCommand($"""
            SELECT {Columns} FROM {_table}
            WHERE (@tenant::text IS NULL OR tenant_id = @tenant) AND (@processor::text IS NULL OR processor = @processor)
            ORDER BY tenant_id, processor, position
            """);
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)tenant ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("processor", NpgsqlDbType.Text) { Value = (object?)processor ?? DBNull.Value });
        return await ReadAll(command, ct);
    }

    /// <inheritdoc />
    public async Task<FSharpOption<DeadLetter>> TryGet(string tenant, string processor, long position, CancellationToken ct)
    {
        await using var command = _source.CreateCommand($"SELECT {Columns} FROM {_table} WHERE tenant_id = @tenant AND processor = @processor AND position = @position");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("processor", processor);
        command.Parameters.AddWithValue("position", position);
        var found = await ReadAll(command, ct);
        return found.Length == 0 ? FSharpOption<DeadLetter>.None : FSharpOption<DeadLetter>.Some(found[0]);
    }

    private static async Task<DeadLetter[]> ReadAll(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(ct))
            letters.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetGuid(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), (DeadLetterStatus)reader.GetInt16(8)));
        return letters.ToArray();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
