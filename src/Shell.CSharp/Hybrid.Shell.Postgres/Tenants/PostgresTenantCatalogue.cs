using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres.Tenants;

/// <summary>The tenant catalogue in PostgreSQL (the <c>tenant_catalogue</c> table of the store's migrations).</summary>
public sealed class PostgresTenantCatalogue : ITenantCatalogue, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _table;
    private readonly TimeProvider _clock;

    /// <summary>A catalogue in the schema the event store was migrated into, with its own connection pool, dated by the clock (the system's by default).</summary>
    public PostgresTenantCatalogue(string connectionString, string schema = "hybrid", TimeProvider? clock = null)
        : this(NpgsqlDataSource.Create(connectionString), schema, clock, ownsSource: true)
    {
    }

    /// <summary>A catalogue on the application's data source (not disposed with the catalogue).</summary>
    public PostgresTenantCatalogue(NpgsqlDataSource dataSource, string schema = "hybrid", TimeProvider? clock = null)
        : this(dataSource, schema, clock, ownsSource: false)
    {
    }

    private PostgresTenantCatalogue(NpgsqlDataSource dataSource, string schema, TimeProvider? clock, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        SqlIdentifier.Require(schema, nameof(schema));
        _source = dataSource;
        _ownsSource = ownsSource;
        _table = $"{schema}.tenant_catalogue";
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<bool> Register(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await using var command = _source.CreateCommand(
            $"INSERT INTO {_table} (tenant_id, registered_at) VALUES (@tenant, @at) ON CONFLICT (tenant_id) DO NOTHING");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("at", _clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<TenantEntry[]> List(CancellationToken ct)
    {
        await using var command = _source.CreateCommand($"SELECT tenant_id, registered_at FROM {_table} ORDER BY tenant_id COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var entries = new List<TenantEntry>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
            entries.Add(new TenantEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
        return [.. entries];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
