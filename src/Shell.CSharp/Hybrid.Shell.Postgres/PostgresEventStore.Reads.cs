using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Stores;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres;

public sealed partial class PostgresEventStore
{
    /// <inheritdoc />
    public async Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct)
    {
        StoreInput.Query(tenant, query);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        var select = batch.Add(tenant, "");
        select.CommandText = TypePages.Types(query) is { } types
            ? TypePages.Select(_sql.Schema, query, types, select.Parameters)
            : QueryFilter.Select(_sql.Schema, query, select.Parameters, "q");
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        return await EventRows.ReadAllAsync(reader, tenant, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct)
    {
        StoreInput.StreamRead(tenant, read);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        var order = read.Direction == Direction.Backward ? "DESC" : "ASC";
        var limit = read.Limit > 0 ? $" LIMIT {read.Limit}" : "";
        var select = batch.Add(tenant, $"{_sql.ReadStream} ORDER BY e.stream_version {order}{limit}");
        select.Parameters.AddWithValue("stream", read.Stream);
        select.Parameters.AddWithValue("after", read.After);
        select.Parameters.AddWithValue("before", read.Before);
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        return await EventRows.ReadAllAsync(reader, tenant, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RecordedEvent[]> ReadById(string tenant, Guid id, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant, customPlans: false);
        batch.Add(tenant, _sql.EventsById).Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = new[] { id } });
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        return await EventRows.ReadAllAsync(reader, tenant, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct)
    {
        StoreInput.Stream(tenant, "stream", stream);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        batch.Add(tenant, _sql.StreamState).Parameters.AddWithValue("stream", stream);
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) ? new StreamState(reader.GetInt64(0), reader.GetInt64(1)) : new StreamState(0, 0);
    }

    /// <inheritdoc />
    public async Task<long> GetHead(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        batch.Add(tenant, _sql.Head);
        await using var reader = await batch.ReadAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return reader.GetInt64(0);
    }

    /// <inheritdoc />
    public async Task<string[]> GetTenants(CancellationToken ct)
    {
        await using var connection = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new Npgsql.NpgsqlCommand(_sql.Tenants, connection);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var tenants = new List<string>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false)) tenants.Add(reader.GetString(0));
        return tenants.ToArray();
    }
}
