using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// The sample's page queries (<c>lists</c>, <c>customers</c>, <c>leaderboard</c>, <c>invoices</c>) answer at most
/// <c>limit</c> items (0: every item), over HTTP and GraphQL alike. Regression: the limit was checked (a negative one
/// refused) and then ignored, so <c>{"limit":2}</c> answered every list.
/// </summary>
public sealed class SampleQueryPagingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-paging-");
    private RunningSampleServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningSampleServer.StartAsync(null, "paging", Path.Combine(_temp.FullName, "data"), output);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private async Task<JsonElement> Post(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task a_page_query_answers_at_most_its_limit_over_http_and_graphql_and_everything_for_zero()
    {
        foreach (var id in new[] { "a", "b", "c" })
            await Post("/commands/CreateList", $$"""{"listId":"{{id}}","name":"List {{id}}"}""");
        await Hosting.Eventually.Until(async () => (await Post("/queries/lists", """{"limit":0}""")).GetProperty("value").GetArrayLength() == 3,
            "the read model folded the three lists");

        var two = await Post("/queries/lists", """{"limit":2}""");
        Assert.Equal(["List a", "List b"], two.GetProperty("value").EnumerateArray().Select(l => l.GetProperty("name").GetString()!));
        Assert.Equal(3, (await Post("/queries/lists", """{"limit":5}""")).GetProperty("value").GetArrayLength());
        var graphQL = await Post("/graphql", """{"query":"{ lists(input: { limit: 1 }) { name } }"}""");
        Assert.Equal(1, graphQL.GetProperty("data").GetProperty("lists").GetArrayLength());
    }
}
