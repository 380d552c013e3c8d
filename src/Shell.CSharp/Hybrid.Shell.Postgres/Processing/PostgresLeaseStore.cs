using Microsoft.FSharp.Core;
using Npgsql;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>
/// Leases in PostgreSQL, timed by the database's clock (<c>clock_timestamp()</c>), so nodes with skewed clocks agree.
/// Rows are never deleted: a released or expired lease keeps its fencing token, and the next grant increments it.
/// </summary>
public sealed class PostgresLeaseStore : ILeaseStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _table;

    /// <summary>A store on the tables created by <see cref="ProcessingSchema.MigrateAsync"/>, with its own connection pool.</summary>
    public PostgresLeaseStore(string connectionString, string schema = "hybrid") : this(NpgsqlDataSource.Create(connectionString), schema, ownsSource: true)
    {
    }

    /// <summary>A store on the tables created by <see cref="ProcessingSchema.MigrateAsync"/>, on the application's data source (not disposed with the store).</summary>
    public PostgresLeaseStore(NpgsqlDataSource dataSource, string schema = "hybrid") : this(dataSource, schema, ownsSource: false)
    {
    }

    private PostgresLeaseStore(NpgsqlDataSource dataSource, string schema, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ProcessingSchema.Identifier(schema, nameof(schema));
        _source = dataSource;
        _ownsSource = ownsSource;
        _table = $"{schema}.processor_leases";
    }

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct) =>
        One($"""
            INSERT INTO {_table} AS l (resource, owner, fencing_token, expires_at)
            VALUES (@resource, @owner, 1, clock_timestamp() + @duration)
            ON CONFLICT (resource) DO UPDATE SET
                fencing_token = CASE WHEN l.owner = excluded.owner AND l.expires_at > clock_timestamp()
                                     THEN l.fencing_token ELSE l.fencing_token + 1 END,
                owner = excluded.owner,
                expires_at = excluded.expires_at
            WHERE l.expires_at <= clock_timestamp() OR l.owner = excluded.owner
            RETURNING resource, owner, fencing_token, expires_at
            """, ct, ("resource", resource), ("owner", owner), ("duration", duration));

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct) =>
        One($"""
            UPDATE {_table} SET expires_at = clock_timestamp() + @duration
            WHERE resource = @resource AND owner = @owner AND fencing_token = @token AND expires_at > clock_timestamp()
            RETURNING resource, owner, fencing_token, expires_at
            """, ct, ("resource", lease.Resource), ("owner", lease.Owner), ("token", lease.FencingToken), ("duration", duration));

    /// <inheritdoc />
    public async Task Release(Lease lease, CancellationToken ct)
    {
        await using var command = Command($"""
            UPDATE {_table} SET expires_at = '-infinity'
            WHERE resource = @resource AND owner = @owner AND fencing_token = @token
            """, ("resource", lease.Resource), ("owner", lease.Owner), ("token", lease.FencingToken));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc />
    public async Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        await using var command = Command($"""
            SELECT resource, owner, fencing_token, expires_at FROM {_table}
            WHERE starts_with(resource, @prefix) AND expires_at > clock_timestamp() ORDER BY resource
            """, ("prefix", prefix));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var leases = new List<Lease>();
        while (await reader.ReadAsync(ct)) leases.Add(Read(reader));
        return leases.ToArray();
    }

    private async Task<FSharpOption<Lease>> One(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? FSharpOption<Lease>.Some(Read(reader)) : FSharpOption<Lease>.None;
    }

    private NpgsqlCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _source.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static Lease Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
