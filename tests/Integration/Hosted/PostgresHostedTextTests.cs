using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// Text PostgreSQL cannot keep (a NUL character, a lone surrogate) sent to the hosted library among good commands:
/// that command alone is a 400 problem naming the field, the concurrent good ones are accepted and stored.
/// </summary>
public sealed class PostgresHostedTextTests : IAsyncLifetime
{
    private LibraryServer _server = null!;

    public async Task InitializeAsync() => _server = await LibraryServer.StartOnPostgresAsync(await PostgresTestServer.CreateDatabaseAsync("hybrid_hosted_text"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""Em\u0000ma""", "title")] // refused by the input parser, as a lone surrogate is
    [InlineData("""Em\ud800ma""", "title")] // refused by the input parser
    [InlineData("""Emma\udc00""", "title")]
    public async Task a_title_postgresql_cannot_store_fails_alone_as_a_400_naming_the_field_while_concurrent_good_commands_are_stored(string title, string field)
    {
        var tenant = Tenants.Fresh();
        var sends = Enumerable.Range(0, 20).Select(i => _server.Post("/commands/AddBook",
            $$"""{"bookId":"b{{i}}","title":"{{(i == 10 ? title : "Dune")}}","copies":1}""", tenant)).ToArray();
        var replies = await Task.WhenAll(sends);

        Assert.Equal(field, replies[10].ProblemField(400));
        if (title.Contains("u0000", StringComparison.Ordinal)) Assert.Contains("NUL character", replies[10].Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All(replies.Where((_, i) => i != 10), r => Assert.True(r.Status == 200, r.Text));
        var stored = (await _server.Log(tenant)).Select(e => e.Stream).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i != 10).Select(i => $"book-b{i}").Order().ToArray(), stored);
    }
}
