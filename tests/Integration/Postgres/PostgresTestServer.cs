// The PostgreSQL server every Postgres test uses: one private cluster per test run, or HYBRID_TEST_POSTGRES.
using Hybrid.Testing.Postgres;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// One PostgreSQL server shared by the whole test run, started lazily: the server named by the environment variable
/// <c>HYBRID_TEST_POSTGRES</c> (a connection string for a role that may create databases and roles), or else a
/// <see cref="PrivatePostgresCluster"/> stopped and deleted when the process exits. Test classes isolate themselves
/// with <see cref="CreateDatabaseAsync"/>.
/// </summary>
public static class PostgresTestServer
{
    /// <summary>The environment variable naming an existing server.</summary>
    public const string EnvironmentVariable = "HYBRID_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databases;

    /// <summary>The superuser connection string of the shared server.</summary>
    public static Task<string> AdminConnectionStringAsync() => Server.Value;

    /// <summary>Creates a fresh, empty database on the shared server and returns a superuser connection string to it (idle pooled connections close after 15 s).</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "hybrid_test")
    {
        var admin = await Server.Value.ConfigureAwait(false);
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 30)]
            .ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        // Idle connections close within seconds: every test database has pools of its own, and the server's connections
        // are shared by all test classes running at once.
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, ConnectionIdleLifetime = 15, ConnectionPruningInterval = 3 }.ConnectionString;
    }

    /// <summary>
    /// A cluster of the test's own, for tests that stop or restart the server. The caller disposes it.
    /// Always a private cluster, even when <c>HYBRID_TEST_POSTGRES</c> is set.
    /// </summary>
    public static Task<PrivatePostgresCluster> StartOwnClusterAsync() =>
        PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: false, MaxConnections: 500));

    private static async Task<string> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(external)) return external;
        var cluster = await PrivatePostgresCluster.StartAsync(new PrivatePostgresClusterOptions(Durable: false, MaxConnections: 500)).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster.ConnectionString;
    }
}
