using Npgsql;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>The hosted library started on a PostgreSQL server nobody can reach: startup fails with a message naming what is wrong.</summary>
public sealed class PostgresHostedStartupTests
{
    [Fact]
    public async Task starting_on_a_server_that_does_not_answer_fails_naming_the_host_and_port()
    {
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = 1, Username = "postgres", Database = "library", Timeout = 2 }.ConnectionString;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => LibraryServer.StartOnPostgresAsync(unreachable));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }
}
