using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// What a user of the hosted library relies on, on each store: re-sent command ids, racing callers, queries that
/// catch up with accepted commands, and a processor that runs once per event.
/// </summary>
public abstract class HostedBehaviourTests : IAsyncLifetime
{
    private LibraryServer _server = null!;

    protected abstract Task<LibraryServer> StartAsync();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Action<HttpRequestMessage> WithCommandId(Guid id) => r => r.Headers.Add("X-Command-Id", id.ToString());

    private static string Written(Reply reply) =>
        string.Join(",", reply.Body.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("id")}@{e.GetProperty("position")}"));

    [Fact]
    public async Task a_command_id_sent_again_gets_the_first_answer_and_writes_nothing_more_even_after_the_stream_moved_on()
    {
        var tenant = Tenants.Fresh();
        var id = Guid.NewGuid();
        const string add = """{"bookId":"b1","title":"Emma","copies":1}""";
        var first = await _server.Post("/commands/AddBook", add, tenant, configure: WithCommandId(id));
        Assert.Equal(200, first.Status);
        Assert.Equal(200, (await _server.Post("/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", tenant)).Status);

        var again = await _server.Post("/commands/AddBook", add, tenant, configure: WithCommandId(id));

        Assert.Equal((200, "accepted"), (again.Status, again.Body.GetProperty("outcome").GetString()));
        Assert.Equal(Written(first), Written(again));
        Assert.Single(await _server.Store.Read(tenant, EventQuery.OfTypes("BookAdded"), default));
    }

    [Fact]
    public async Task a_command_id_sent_again_with_other_input_is_a_400_problem_naming_the_command_id_and_writes_nothing()
    {
        var tenant = Tenants.Fresh();
        var id = Guid.NewGuid();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":1}""", tenant, configure: WithCommandId(id))).Status);

        var otherInput = await _server.Post("/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":1}""", tenant, configure: WithCommandId(id));
        var otherCommand = await _server.Post("/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", tenant, configure: WithCommandId(id));

        Assert.Equal("commandId", otherInput.ProblemField(400));
        Assert.Equal("commandId", otherCommand.ProblemField(400));
        Assert.Single(await _server.Store.Read(tenant, EventQuery.OfTypes("BookAdded", "BookLent"), default));
    }

    [Fact]
    public async Task racing_lenders_of_a_three_copy_book_get_exactly_three_loans_and_every_other_caller_a_422()
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":3}""", tenant)).Status);

        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            _server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant, actor: $"r{i}", roles: "")));

        Assert.Equal(3, replies.Count(r => r.Status == 200));
        Assert.All(replies.Where(r => r.Status != 200), r => Assert.Null(r.ProblemField(422)));
        Assert.Equal(3, (await _server.Store.Read(tenant, EventQuery.OfTypes("BookLent"), default)).Length);
    }

    [Fact]
    public async Task accepted_books_show_in_the_shelf_query_once_the_read_model_caught_up_and_read_your_writes_waits_for_it()
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":2}""", tenant)).Status);
        var lent = await _server.Post("/commands/LendBook?waitMs=5000&views=shelf", """{"bookId":"b1","reader":"bob"}""", tenant);
        Assert.Equal(200, lent.Status);
        Assert.Contains("\"lent\":1", lent.Text, StringComparison.Ordinal);

        await Until(async () => Shelf(await _server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "")) == "b1 Emma 1/2", "the shelf shows the loan");
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"a0","title":"Dune","copies":1}""", tenant)).Status);
        await Until(async () => Shelf(await _server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "")) == "a0 Dune 0/1; b1 Emma 1/2",
            "the shelf shows the second book");
        Assert.Equal("a0 Dune 0/1", Shelf(await _server.Post("/queries/shelf", """{"limit":1}""", tenant, "bob", "")));
        Assert.Equal("", Shelf(await _server.Post("/queries/shelf", """{"limit":0}""", Tenants.Fresh(), "bob", "")));
    }

    [Fact]
    public async Task the_receipts_processor_issues_exactly_one_receipt_per_loan()
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":5}""", tenant)).Status);
        var loans = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var lent = await _server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant);
            loans.Add(lent.Body.GetProperty("position").GetInt64());
        }

        await Until(async () => (await Receipts(tenant)).Length == 5, "five receipts are issued");
        await Until(async () => (await _server.Store.ReadCheckpoint(tenant, "receipts", default)).Position >= loans[^1], "the checkpoint passes the last loan");
        await Task.Delay(500); // a few more polling rounds: nothing is issued twice
        Assert.Equal(loans, (await Receipts(tenant)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()));
    }

    private async Task<RecordedEvent[]> Receipts(string tenant) => await _server.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default);

    private static string Shelf(Reply reply)
    {
        Assert.True(reply.Status == 200, reply.Text);
        return string.Join("; ", reply.Body.GetProperty("value").EnumerateArray().Select(b =>
            $"{b.GetProperty("bookId").GetString()} {b.GetProperty("title").GetString()} {b.GetProperty("lent").GetInt32()}/{b.GetProperty("copies").GetInt32()}"));
    }
}

public sealed class InMemoryHostedBehaviourTests : HostedBehaviourTests
{
    protected override Task<LibraryServer> StartAsync() => LibraryServer.StartAsync(null);
}

public sealed class EmbeddedHostedBehaviourTests : HostedBehaviourTests, IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-behaviour-");

    protected override Task<LibraryServer> StartAsync() => LibraryServer.StartAsync(_temp.FullName);

    public void Dispose() => _temp.Delete(recursive: true);
}

public sealed class PostgresHostedBehaviourTests : HostedBehaviourTests
{
    protected override async Task<LibraryServer> StartAsync() =>
        await LibraryServer.StartOnPostgresAsync(await PostgresTestServer.CreateDatabaseAsync("hybrid_hosted_behaviour"));
}
