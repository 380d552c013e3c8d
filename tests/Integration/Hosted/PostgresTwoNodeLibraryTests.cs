using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The hosted library on two nodes (two hosts, two node ids) over one PostgreSQL database, as a user runs it behind a
/// load balancer: commands racing from both nodes on one stream, a query on one node right after a write on the other,
/// and the receipts processor running once per loan across the nodes.
/// </summary>
public sealed class PostgresTwoNodeLibraryTests : IAsyncLifetime
{
    private LibraryServer _a = null!;
    private LibraryServer _b = null!;

    public async Task InitializeAsync()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_two_nodes");
        _a = await LibraryServer.StartOnPostgresAsync(database, nodeId: "node-a");
        _b = await LibraryServer.StartOnPostgresAsync(database, nodeId: "node-b");
    }

    public async Task DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
    }

    [Fact]
    public async Task lenders_racing_through_both_nodes_get_exactly_the_copies_the_other_node_answers_the_fresh_shelf_and_each_loan_one_receipt()
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _a.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":4}""", tenant)).Status);
        Assert.Equal("b1 Emma 0/4", Shelf(await _b.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "")));

        var replies = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? _a : _b).Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant, actor: $"r{i}", roles: "")));

        Assert.Equal(4, replies.Count(r => r.Status == 200));
        Assert.All(replies.Where(r => r.Status != 200), r => Assert.Null(r.ProblemField(422)));
        var loans = (await _a.Store.Read(tenant, EventQuery.OfTypes("BookLent"), default)).Select(e => e.Position).ToArray();
        Assert.Equal(4, loans.Length);
        Assert.Equal("b1 Emma 4/4", Shelf(await _a.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "")));
        Assert.Equal("b1 Emma 4/4", Shelf(await _b.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "")));

        await Until(async () => (await Receipts(tenant)).Length >= 4, "every loan gets its receipt");
        await Until(async () => (await _b.Store.ReadCheckpoint(tenant, "receipts", default)).Position >= loans[^1], "the checkpoint passes the last loan");
        await Task.Delay(500); // more polling rounds on both nodes: nothing is issued twice
        Assert.Equal(loans, (await Receipts(tenant)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()));
    }

    private async Task<RecordedEvent[]> Receipts(string tenant) => await _b.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default);

    private static string Shelf(Reply reply)
    {
        Assert.True(reply.Status == 200, reply.Text);
        return string.Join("; ", reply.Body.GetProperty("value").EnumerateArray().Select(b =>
            $"{b.GetProperty("bookId").GetString()} {b.GetProperty("title").GetString()} {b.GetProperty("lent").GetInt32()}/{b.GetProperty("copies").GetInt32()}"));
    }
}
