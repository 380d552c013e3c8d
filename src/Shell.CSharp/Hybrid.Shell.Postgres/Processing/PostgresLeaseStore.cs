using Hybrid.Shell.Stores;
using Hybrid.Shell.Postgres.Sql;
using Microsoft.FSharp.Core;
using Npgsql;

namespace Hybrid.Shell.Postgres.Processing;

/// <summary>
/// Leases in PostgreSQL, timed by the database's clock (<c>clock_timestamp()</c>), so nodes with skewed clocks agree.
/// The application role reaches them only through the schema's lease functions: processor leases in
/// <c>processor_leases</c> (rows never deleted: a released or expired lease keeps its fencing token, and the next grant
/// increments it), node heartbeats (<see cref="Leasing.nodePrefix"/>) in <c>nodes</c>, which belong to no tenant.
/// </summary>
public sealed partial class PostgresLeaseStore : ILeaseStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;
    private readonly string _schema;

    /// <summary>A store on the tables of the schema's migrations (<see cref="PostgresMigrations"/>), connecting as the application role with its own connection pool.</summary>
    public PostgresLeaseStore(string connectionString, string schema = "hybrid") : this(NpgsqlDataSource.Create(connectionString), schema, ownsSource: true)
    {
    }

    /// <summary>A store on the tables of the schema's migrations, on the application's data source (not disposed with the store).</summary>
    public PostgresLeaseStore(NpgsqlDataSource dataSource, string schema = "hybrid") : this(dataSource, schema, ownsSource: false)
    {
    }

    private PostgresLeaseStore(NpgsqlDataSource dataSource, string schema, bool ownsSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _schema = SqlIdentifier.Require(schema, nameof(schema));
        _source = dataSource;
        _ownsSource = ownsSource;
    }

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.LeaseRequest(resource, owner, duration);
        return NodeOf(resource) is { } node
            ? One($"SELECT * FROM {_schema}.acquire_node(@resource, @owner, @duration)", ct, ("resource", node), ("owner", owner), ("duration", duration))
            : One($"SELECT * FROM {_schema}.acquire_lease(@resource, @owner, @duration)", ct, ("resource", resource), ("owner", owner), ("duration", duration));
    }

    /// <inheritdoc />
    public Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct)
    {
        StoreInput.Lease(lease, duration);
        var (function, resource) = NodeOf(lease.Resource) is { } node ? ("renew_node", node) : ("renew_lease", lease.Resource);
        return One($"SELECT * FROM {_schema}.{function}(@resource, @owner, @token, @duration)", ct,
            ("resource", resource), ("owner", lease.Owner), ("token", lease.FencingToken), ("duration", duration));
    }

    /// <inheritdoc />
    public async Task Release(Lease lease, CancellationToken ct)
    {
        StoreInput.Lease(lease);
        var (function, resource) = NodeOf(lease.Resource) is { } node ? ("release_node", node) : ("release_lease", lease.Resource);
        await using var command = Command($"SELECT {_schema}.{function}(@resource, @owner, @token)",
            ("resource", resource), ("owner", lease.Owner), ("token", lease.FencingToken));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <inheritdoc />
    public async Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var leases = new List<Lease>();
        if (Leasing.nodePrefix.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(Leasing.nodePrefix, StringComparison.Ordinal))
            leases.AddRange((await All($"SELECT * FROM {_schema}.live_nodes()", ct)).Where(l => l.Resource.StartsWith(prefix, StringComparison.Ordinal)));
        leases.AddRange(await All($"SELECT * FROM {_schema}.live_leases(@prefix)", ct, ("prefix", prefix)));
        return leases.OrderBy(l => l.Resource, StringComparer.Ordinal).ToArray();
    }

    /// <inheritdoc />
    public async Task<int> ForgetNodes(TimeSpan goneFor, CancellationToken ct)
    {
        await using var command = Command($"SELECT {_schema}.forget_nodes(@gone_for)", ("gone_for", goneFor));
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string? NodeOf(string resource) =>
        resource.StartsWith(Leasing.nodePrefix, StringComparison.Ordinal) ? resource[Leasing.nodePrefix.Length..] : null;

    private async Task<FSharpOption<Lease>> One(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        var found = await All(sql, ct, parameters);
        return found.Length == 0 ? FSharpOption<Lease>.None : FSharpOption<Lease>.Some(found[0]);
    }

    private async Task<Lease[]> All(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var leases = new List<Lease>();
        while (await reader.ReadAsync(ct)) leases.Add(Read(reader));
        return leases.ToArray();
    }

    private NpgsqlCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _source.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    // Both functions answer (resource or node id, owner, token, expiry); a node id becomes its node/ resource again.
    private static Lease Read(NpgsqlDataReader reader) => new(
        reader.GetName(0) == "node_id" ? Leasing.nodeResource(reader.GetString(0)) : reader.GetString(0),
        reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsSource ? _source.DisposeAsync() : ValueTask.CompletedTask;
}
