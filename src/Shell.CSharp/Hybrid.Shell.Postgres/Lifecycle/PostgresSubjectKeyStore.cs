using Hybrid.Shell.Postgres.Sql;
using Hybrid.Shell.Stores;
using Npgsql;

namespace Hybrid.Shell.Postgres.Lifecycle;

/// <summary>
/// Crypto-shredding keys in PostgreSQL (<c>subject_keys</c>, migration 16), under row-level security by tenant like
/// the events: every statement runs in its tenant's scope, so one tenant's keys are invisible to another's. Forgetting
/// deletes the row in a committed transaction: once <see cref="Forget"/> returns, the key is gone for every node.
/// </summary>
public sealed class PostgresSubjectKeyStore : ISubjectKeyStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _table;

    /// <summary>A key store on the schema's migrations (<see cref="PostgresMigrations"/>), connecting as the application role with its own pool.</summary>
    public PostgresSubjectKeyStore(string connectionString, string schema = "hybrid") : this(NpgsqlDataSource.Create(connectionString), schema, ownsSource: true)
    {
    }

    /// <summary>A key store on the application's data source (not disposed with the store).</summary>
    public PostgresSubjectKeyStore(NpgsqlDataSource dataSource, string schema = "hybrid") : this(dataSource, schema, ownsSource: false)
    {
    }

    private PostgresSubjectKeyStore(NpgsqlDataSource dataSource, string schema, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _table = $"{SqlIdentifier.Require(schema, nameof(schema))}.subject_keys";
        _source = dataSource;
        _ownsSource = ownsSource;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The insert waits for a concurrent insert of the same subject and then does nothing; the select after it runs on
    /// a new snapshot (read committed), so it sees the winner's key: every caller gets the one key.
    /// </remarks>
    public async Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        ArgumentNullException.ThrowIfNull(candidate);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = TenantScope.Begin(connection, tenant, explicitTransaction: true, customPlans: false);
        var insert = batch.Add(tenant, $"INSERT INTO {_table} (tenant_id, subject, key) VALUES (@tenant, @subject, @key) ON CONFLICT DO NOTHING");
        insert.Parameters.AddWithValue("subject", subject);
        insert.Parameters.AddWithValue("key", candidate);
        batch.Add(tenant, $"SELECT key FROM {_table} WHERE tenant_id = @tenant AND subject = @subject").Parameters.AddWithValue("subject", subject);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == "key" && await reader.ReadAsync(ct)) return reader.GetFieldValue<byte[]>(0);
        } while (await reader.NextResultAsync(ct));
        throw new InvalidOperationException($"Tenant '{tenant}': the key of subject '{subject}' was neither added nor found.");
    }

    /// <inheritdoc />
    public async Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = TenantScope.Begin(connection, tenant, customPlans: false);
        batch.Add(tenant, $"SELECT key FROM {_table} WHERE tenant_id = @tenant AND subject = @subject").Parameters.AddWithValue("subject", subject);
        await using var reader = await batch.ReadAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetFieldValue<byte[]>(0) : null!;
    }

    /// <inheritdoc />
    public async Task<bool> Forget(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        await using var connection = await _source.OpenConnectionAsync(ct);
        await using var batch = TenantScope.Begin(connection, tenant, customPlans: false);
        var delete = batch.Add(tenant, $"DELETE FROM {_table} WHERE tenant_id = @tenant AND subject = @subject");
        delete.Parameters.AddWithValue("subject", subject);
        await batch.ExecuteNonQueryAsync(ct);
        return delete.RecordsAffected > 0;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
