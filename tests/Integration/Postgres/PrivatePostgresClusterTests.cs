using Hybrid.Testing.Postgres;
using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

public sealed class PrivatePostgresClusterTests
{
    [Fact]
    public async Task a_private_cluster_serves_queries_survives_a_restart_and_deletes_its_directory()
    {
        var cluster = await PostgresTestServer.StartOwnClusterAsync();
        var directory = cluster.Directory;
        try
        {
            Assert.Equal(1, await ScalarAsync(cluster.ConnectionString, "SELECT 1"));
            await cluster.RestartAsync();
            NpgsqlConnection.ClearAllPools();
            Assert.Equal(2, await ScalarAsync(cluster.ConnectionString, "SELECT 2"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task fresh_databases_are_distinct_and_empty()
    {
        var first = new NpgsqlConnectionStringBuilder(await PostgresTestServer.CreateDatabaseAsync()).Database;
        var second = new NpgsqlConnectionStringBuilder(await PostgresTestServer.CreateDatabaseAsync()).Database;
        Assert.NotEqual(first, second);
        var tables = await ScalarAsync(await PostgresTestServer.CreateDatabaseAsync(),
            "SELECT count(*)::int FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Equal(0, tables);
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
