using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// Every mistake a user of the hosted library can make over HTTP, on each store: a 4xx problem document naming what
/// was wrong, never a 500 or a stack trace, and nothing written. Each case runs in a fresh tenant holding book b1 with
/// its one copy lent.
/// </summary>
public abstract class HostedMistakeTests : IAsyncLifetime
{
    private LibraryServer _server = null!;

    protected abstract Task<LibraryServer> StartAsync();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Book = """{"bookId":"b2","title":"Dune","copies":2}""";

    public static TheoryData<string, string, string?, string, int, string?> Mistakes => new()
    {
        { "malformed JSON", "/commands/AddBook", """{"bookId":""", "", 400, "body" },
        { "empty body", "/commands/AddBook", "", "", 400, "body" },
        { "null body", "/commands/AddBook", "null", "", 400, "body" },
        { "array body", "/commands/AddBook", $"[{Book}]", "", 400, "body" },
        { "text content type", "/commands/AddBook", Book, "text/plain", 415, "Content-Type" },
        { "no content type", "/commands/AddBook", Book, "no-content-type", 415, "Content-Type" },
        { "unknown command", "/commands/BurnBook", Book, "", 404, null },
        { "missing tenant", "/commands/AddBook", Book, "no-tenant", 400, "X-Tenant" },
        { "malformed tenant", "/commands/AddBook", Book, "bad-tenant", 400, "X-Tenant" },
        { "anonymous caller", "/commands/AddBook", Book, "anonymous", 403, null },
        { "caller without the role", "/commands/AddBook", Book, "reader", 403, null },
        { "number sent as a string", "/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":"2"}""", "", 400, "copies" },
        { "fraction for a whole number", "/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":2.5}""", "", 400, "copies" },
        { "string sent as a number", "/commands/AddBook", """{"bookId":2,"title":"Dune","copies":2}""", "", 400, "bookId" },
        { "unknown field", "/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":2,"isbn":"x"}""", "", 400, "isbn" },
        { "field twice", "/commands/AddBook", """{"bookId":"b2","bookId":"b3","title":"Dune","copies":2}""", "", 400, "bookId" },
        { "missing field", "/commands/AddBook", """{"bookId":"b2","copies":2}""", "", 400, "title" },
        { "empty title (the command's check)", "/commands/AddBook", """{"bookId":"b2","title":" ","copies":2}""", "", 400, "title" },
        { "no copies (the command's check)", "/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":0}""", "", 400, "copies" },
        { "bad book id (the command's check)", "/commands/AddBook", """{"bookId":"b 2","title":"Dune","copies":2}""", "", 400, "bookId" },
        { "unknown query parameter", "/commands/AddBook?copies=3", Book, "", 400, "copies" },
        { "malformed command id", "/commands/AddBook", Book, "bad-command-id", 400, "X-Command-Id" },
        { "malformed If-Match", "/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", "bad-if-match", 400, "If-Match" },
        { "negative expected version", "/commands/LendBook?expectedVersion=-1", """{"bookId":"b1","reader":"bob"}""", "", 400, "expectedVersion" },
        { "stale expected version", "/commands/LendBook?expectedVersion=1", """{"bookId":"b1","reader":"bob"}""", "", 412, null },
        { "stale If-Match", "/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", "if-match-9", 412, null },
        { "book never added", "/commands/LendBook", """{"bookId":"b9","reader":"bob"}""", "", 404, null },
        { "book added twice", "/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":1}""", "", 422, null },
        { "every copy lent", "/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", "", 422, null },
        { "unknown query", "/queries/catalogue", """{"limit":1}""", "", 404, null },
        { "query limit out of range", "/queries/shelf", """{"limit":-1}""", "", 400, "limit" },
        { "query limit as a string", "/queries/shelf", """{"limit":"ten"}""", "", 400, "limit" },
        { "query unknown field", "/queries/shelf", """{"limit":1,"sort":"title"}""", "", 400, "sort" },
        { "query malformed JSON", "/queries/shelf", """{"limit":""", "", 400, "body" },
        { "query text content type", "/queries/shelf", """{"limit":1}""", "text/plain", 415, "Content-Type" },
        { "query anonymous caller", "/queries/shelf", """{"limit":1}""", "anonymous", 403, null },
        { "If-Match and ?expectedVersion together", "/commands/LendBook?expectedVersion=9", """{"bookId":"b1","reader":"bob"}""", "if-match-1", 400, "If-Match" },
        { "gzip-encoded body", "/commands/AddBook", Book, "gzip", 415, "Content-Encoding" },
        { "query gzip-encoded body", "/queries/shelf", """{"limit":1}""", "gzip", 415, "Content-Encoding" },
        { "Accept admitting no JSON", "/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", "accept-html", 406, "Accept" },
        { "query Accept admitting no JSON", "/queries/shelf", """{"limit":1}""", "accept-html", 406, "Accept" },
        { "If-None-Match * on a stream that exists", "/commands/LendBook", """{"bookId":"b1","reader":"bob"}""", "if-none-match-star", 412, null },
        { "If-Match * on a stream that does not exist", "/commands/AddBook", Book, "if-match-star", 412, null },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task a_users_mistake_is_a_4xx_problem_naming_what_was_wrong_and_writes_nothing(
        string mistake, string path, string? json, string how, int status, string? field)
    {
        var tenant = Tenants.Fresh();
        Assert.Equal(200, (await _server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":1}""", tenant)).Status);
        Assert.Equal(200, (await _server.Post("/commands/LendBook", """{"bookId":"b1","reader":"ann"}""", tenant)).Status);
        var before = await BookEvents(tenant);

        var reply = await _server.Post(path, json, how == "no-tenant" ? null : how == "bad-tenant" ? "ac me" : tenant,
            how == "anonymous" ? null : "ann", how == "reader" ? "reader" : how == "anonymous" ? null : "librarian", request =>
            {
                if (how is "text/plain" or "no-content-type" && request.Content is { } content)
                {
                    if (how == "text/plain") content.Headers.ContentType = new("text/plain");
                    else content.Headers.ContentType = null;
                }
                if (how == "bad-command-id") request.Headers.TryAddWithoutValidation("X-Command-Id", "not-a-guid");
                if (how == "bad-if-match") request.Headers.TryAddWithoutValidation("If-Match", "soon");
                if (how == "if-match-9") request.Headers.TryAddWithoutValidation("If-Match", "\"9\"");
                if (how == "gzip") request.Content!.Headers.ContentEncoding.Add("gzip"); // was "The body is not valid UTF-8."
                if (how == "if-match-1") request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                if (how == "if-match-star") request.Headers.TryAddWithoutValidation("If-Match", "*");
                if (how == "if-none-match-star") request.Headers.TryAddWithoutValidation("If-None-Match", "*");
                if (how == "accept-html") request.Headers.TryAddWithoutValidation("Accept", "text/html");
            });

        Assert.True(reply.Status == status, $"{mistake}: expected {status}, got {reply.Status}: {reply.Text}");
        Assert.Equal(field, reply.ProblemField(status));
        Assert.Equal(before, await BookEvents(tenant));
    }

    [Fact]
    public async Task a_body_over_one_mebibyte_is_a_413_problem_and_writes_nothing()
    {
        var tenant = Tenants.Fresh();
        var reply = await _server.Post("/commands/AddBook", $$"""{"bookId":"b2","title":"{{new string('x', 1_048_577)}}","copies":1}""", tenant);
        Assert.Equal("body", reply.ProblemField(413));
        Assert.Empty(await _server.Log(tenant));
    }

    [Fact]
    public async Task a_command_re_sent_with_its_command_id_answers_its_first_events_and_the_id_with_other_input_is_a_400_naming_it()
    {
        var tenant = Tenants.Fresh();
        var id = Guid.NewGuid().ToString();
        Action<HttpRequestMessage> withId = request => request.Headers.TryAddWithoutValidation("X-Command-Id", id);
        var first = await _server.Post("/commands/AddBook", Book, tenant, configure: withId);
        var again = await _server.Post("/commands/AddBook", Book, tenant, configure: withId);
        Assert.Equal((200, 200), (first.Status, again.Status));
        Assert.Equal(first.Body.GetProperty("events").GetRawText(), again.Body.GetProperty("events").GetRawText());
        Assert.Equal(first.ETag, again.ETag);
        Assert.Single(await _server.Log(tenant));

        var other = await _server.Post("/commands/AddBook", """{"bookId":"b2","title":"Dune","copies":3}""", tenant, configure: withId);
        Assert.Equal("commandId", other.ProblemField(400)); // as documented, over HTTP and GraphQL alike
        Assert.Single(await _server.Log(tenant));
    }

    private async Task<string> BookEvents(string tenant) =>
        string.Join(",", (await _server.Store.Read(tenant, EventQuery.OfTypes("BookAdded", "BookLent"), default)).Select(e => $"{e.Position}:{e.Type}"));
}

public sealed class InMemoryHostedMistakeTests : HostedMistakeTests
{
    protected override Task<LibraryServer> StartAsync() => LibraryServer.StartAsync(null);
}

public sealed class EmbeddedHostedMistakeTests : HostedMistakeTests, IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-mistakes-");

    protected override Task<LibraryServer> StartAsync() => LibraryServer.StartAsync(_temp.FullName);

    public void Dispose() => _temp.Delete(recursive: true);
}

public sealed class PostgresHostedMistakeTests : HostedMistakeTests
{
    protected override async Task<LibraryServer> StartAsync() =>
        await LibraryServer.StartOnPostgresAsync(await PostgresTestServer.CreateDatabaseAsync("hybrid_hosted_mistakes"));
}
