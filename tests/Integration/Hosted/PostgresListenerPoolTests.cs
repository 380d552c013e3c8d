using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The LISTEN connection of a host on <c>UsePostgres(connectionString)</c> waits for notifications for the host's whole
/// life: it is opened outside the application's pool, so it never takes one of the connections commands, queries and
/// processors share (with a pool of one, the host still works).
/// </summary>
public sealed class PostgresListenerPoolTests
{
    [Fact]
    public async Task a_host_whose_application_pool_holds_one_connection_serves_commands_queries_and_processors_while_it_listens()
    {
        var database = new NpgsqlConnectionStringBuilder(await PostgresTestServer.CreateDatabaseAsync("hybrid_listener_pool")) { Timeout = 5 }.ConnectionString;
        await using var server = await LibraryServer.StartOnPostgresAsync(database, maxPoolSize: 1);
        var tenant = Tenants.Fresh();

        Assert.Equal(200, (await server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":3}""", tenant)).Status);
        var loans = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            // The receipts processor subscribes, so the store's listener is up while these run.
            var lent = await server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant);
            Assert.True(lent.Status == 200, lent.Text);
            loans.Add(lent.Body.GetProperty("position").GetInt64());
        }
        await Until(async () => (await Receipts(server, tenant)).Length == 3, "every loan gets its receipt");
        var shelf = await server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "");
        Assert.True(shelf.Status == 200, shelf.Text);
        Assert.Equal(loans, (await Receipts(server, tenant)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()));
    }

    private static async Task<RecordedEvent[]> Receipts(LibraryServer server, string tenant) =>
        await server.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default);
}
