using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The hosted library on an embedded store whose file reached its maximum size: not the caller's fault and not a
/// defect, so a 503 problem with Retry-After (as PostgreSQL's disk-full answers), nothing of the command written, and
/// every acknowledged event still read.
/// </summary>
public sealed class EmbeddedStoreFullTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-full-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task a_command_on_a_full_embedded_store_is_a_503_problem_with_retry_after_and_writes_nothing()
    {
        await using var server = await LibraryServer.StartAsync(_temp.FullName, maxMapSize: 2L << 20);
        var tenant = Tenants.Fresh();
        var title = new string('t', 200_000);
        Reply? refused = null;
        var acknowledged = 0;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            var reply = await server.Post("/commands/AddBook", $$"""{"bookId":"b{{i}}","title":"{{title}}","copies":1}""", tenant);
            if (reply.Status == 200) acknowledged++;
            else refused = reply;
        }

        Assert.NotNull(refused);
        Assert.Null(refused.ProblemField(503));
        Assert.NotNull(refused.RetryAfter);
        Assert.True(acknowledged > 0, "some books fit before the store was full");
        Assert.Equal(acknowledged, (await server.Store.Read(tenant, EventQuery.OfTypes("BookAdded"), default)).Length);
    }
}
