// The PostgreSQL server a run measures: the one named by HYBRID_TEST_POSTGRES, else a throwaway cluster.
using Hybrid.Testing.Postgres;
using Npgsql;

namespace Hybrid.Bench.Postgres;

/// <summary>A server and a fresh database on it for one run.</summary>
public sealed class BenchServer : IAsyncDisposable
{
    /// <summary>The environment variable naming an existing server (a connection string).</summary>
    public const string EnvironmentVariable = "HYBRID_TEST_POSTGRES";

    private readonly PrivatePostgresCluster? _cluster;
    private readonly string _adminConnectionString;

    private BenchServer(PrivatePostgresCluster? cluster, string adminConnectionString, string database)
    {
        _cluster = cluster;
        _adminConnectionString = adminConnectionString;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = database, Pooling = true, MaxPoolSize = 200, MaxAutoPrepare = 32, AutoPrepareMinUsages = 2,
        }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>A superuser (or owner) connection string to this run's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The database created for this run.</summary>
    public string Database { get; }

    /// <summary>A data source on this run's database, for raw baselines.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where the server came from, for the report.</summary>
    public string Origin { get; private init; } = "";

    /// <summary>
    /// Connects to the given server (a superuser connection string), else to the one named by the environment, else
    /// starts a durable throwaway cluster (fsync on: commit costs are part of what is measured) and warms it up
    /// (<see cref="ServerWarmUp"/>); creates a fresh database.
    /// </summary>
    public static async Task<BenchServer> StartAsync(string? given)
    {
        var origin = given is null ? EnvironmentVariable : "--postgres";
        given ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        var cluster = string.IsNullOrWhiteSpace(given)
            ? await PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: true, MaxConnections: 300)
            {
                Settings = new Dictionary<string, string>
                {
                    ["shared_buffers"] = "512MB", ["min_wal_size"] = ServerWarmUp.MinWalSize,
                },
            })
            : null;
        var admin = cluster?.ConnectionString ?? given!;
        if (cluster is not null) await ServerWarmUp.RunAsync(admin);
        var database = $"hybrid_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}";
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", conn);
            await create.ExecuteNonQueryAsync();
        }
        return new BenchServer(cluster, admin, database) { Origin = cluster is null ? origin : "private cluster (durable)" };
    }

    /// <summary>The server's version string.</summary>
    public async Task<string> VersionAsync()
    {
        await using var cmd = DataSource.CreateCommand("SHOW server_version");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The server's data directory (a superuser may read it), or null when it is not readable.</summary>
    public async Task<string?> DataDirectoryAsync()
    {
        try
        {
            await using var cmd = DataSource.CreateCommand("SHOW data_directory");
            return (string?)await cmd.ExecuteScalarAsync();
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            return;
        }
        await using var conn = new NpgsqlConnection(_adminConnectionString);
        await conn.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync();
    }
}
