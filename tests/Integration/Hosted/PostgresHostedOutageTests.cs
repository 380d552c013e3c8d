using System.Text.Json;
using Hybrid.Testing.Postgres;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The hosted library on a PostgreSQL server that goes down while the host runs: commands and queries answer 503
/// problem documents with Retry-After (never a 500), the receipts processor waits instead of dead-lettering, and once
/// the server is back the host recovers by itself with every acknowledged event kept.
/// </summary>
public sealed class PostgresHostedOutageTests : IAsyncLifetime
{
    private PrivatePostgresCluster _cluster = null!;
    private LibraryServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresTestServer.StartOwnClusterAsync();
        _server = await LibraryServer.StartOnPostgresAsync(new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Timeout = 3 }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task with_the_server_down_commands_and_queries_are_503_with_retry_after_and_the_host_recovers_keeping_every_acknowledged_event()
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":9}""", tenant)).Status);
        var acknowledged = new List<long>();
        for (var i = 0; i < 4; i++)
            acknowledged.Add((await _server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant)).Body.GetProperty("position").GetInt64());

        await _cluster.StopAsync();
        var command = await _server.Post("/commands/LendBook", """{"bookId":"b1","reader":"late"}""", tenant);
        Assert.Null(command.ProblemField(503));
        Assert.False(string.IsNullOrEmpty(command.RetryAfter), command.Text);
        Assert.DoesNotContain("Npgsql", command.Text, StringComparison.Ordinal);
        var query = await _server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "");
        Assert.Null(query.ProblemField(503));
        Assert.False(string.IsNullOrEmpty(query.RetryAfter), query.Text);
        await Task.Delay(1000); // several processor polling rounds against the stopped server

        await _cluster.RestartAsync();
        await Until(async () => (await _server.Post("/commands/LendBook", """{"bookId":"b1","reader":"late"}""", tenant)).Status == 200,
            "commands succeed again");
        await Until(async () => (await Receipts(tenant)).Length == 5, "every loan gets its receipt");
        var loans = (await _server.Store.Read(tenant, EventQuery.OfTypes("BookLent"), default)).Select(e => e.Position).ToArray();
        Assert.Equal(5, loans.Length);
        Assert.Equal(acknowledged, loans[..4]);
        await Task.Delay(500); // more polling rounds: nothing is issued twice
        Assert.Equal(loans, (await Receipts(tenant)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()));
        Assert.Empty(await _server.Services.GetRequiredService<IDeadLetterStore>().List(null, null, default));
        var shelf = await _server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "");
        Assert.True(shelf.Status == 200, shelf.Text);
    }

    private async Task<RecordedEvent[]> Receipts(string tenant) => await _server.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default);
}
