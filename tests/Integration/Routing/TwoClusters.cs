// Two PostgreSQL clusters for tenancy-map tests: the shared test server and a private cluster the tests may stop.
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Testing.Postgres;
using Hybrid.Tests.Integration.Postgres;
using Npgsql;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>
/// Two clusters: "a" is the shared test server, "b" a private cluster of this fixture's own (so tests can take it down
/// and bring it back). Each test gets fresh databases on both through <see cref="NewDatabasesAsync"/>.
/// </summary>
public sealed class TwoClusters : IAsyncLifetime
{
    private PrivatePostgresCluster? _b;
    private int _databases;

    /// <summary>The private cluster behind database "b".</summary>
    public PrivatePostgresCluster B => _b ?? throw new InvalidOperationException("The fixture is not started.");

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _b = await PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: false, MaxConnections: 100));

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
    }

    /// <summary>A fresh database on each cluster, named "a" and "b" in the tenancy map, migrated on first use.</summary>
    public async Task<PostgresDatabase[]> NewDatabasesAsync(string prefix)
    {
        var onA = await PostgresTestServer.CreateDatabaseAsync($"{prefix}_a");
        var name = $"{prefix}_b_{Interlocked.Increment(ref _databases)}".ToLowerInvariant();
        // Not pooled: a test that restarted cluster b left the pool's connections dead.
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(B.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var onB = new NpgsqlConnectionStringBuilder(B.ConnectionString) { Database = name, Timeout = 3 }.ConnectionString;
        return [PostgresDatabase.ForAdmin("a", onA), PostgresDatabase.ForAdmin("b", onB)];
    }
}

/// <summary>Test classes sharing one <see cref="TwoClusters"/> run one after another (one of them stops cluster b).</summary>
[CollectionDefinition(Name)]
public sealed class TwoClustersCollection : ICollectionFixture<TwoClusters>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Two PostgreSQL clusters";
}
