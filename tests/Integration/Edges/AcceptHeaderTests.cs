using System.Net;
using System.Text;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// Content negotiation: the endpoints answer JSON only, so a request whose Accept admits no JSON is a 406 problem
/// naming <c>Accept</c>, before anything runs (a command writes nothing); an Accept that admits JSON, directly or
/// through a wildcard, is served. Regression: <c>Accept: text/html</c> ran the command and answered JSON with 200.
/// </summary>
public sealed class AcceptHeaderTests : IAsyncLifetime
{
    private EdgeServer _server = null!;

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Action<HttpRequestMessage> Accepting(string accept) => request => request.Headers.TryAddWithoutValidation("Accept", accept);

    [Theory]
    [InlineData("/commands/Increment", "text/html")]
    [InlineData("/commands/Increment", "application/xml, text/*")]
    [InlineData("/commands/Increment", "application/json;q=0, */*")]
    [InlineData("/commands/Increment", "*/*;q=0")]
    [InlineData("/commands/Increment", "application/problem+json;q=0, */*;q=0.1, application/json;q=0")]
    [InlineData("/commands/Increment", "application/problem+json, application/json;q=0")]
    [InlineData("/queries/CounterTotal", "text/html")]
    [InlineData("/commands/NothingLikeIt", "text/html")]
    public async Task an_accept_admitting_no_json_is_a_406_problem_naming_accept_and_nothing_runs(string path, string accept)
    {
        var (status, body, response) = await _server.Send(HttpMethod.Post, path, """{"counterId":"c","by":1}""", configure: Accepting(accept));
        Assert.Equal(406, status);
        Assert.Equal("Accept", EdgeServer.ProblemField(406, body, response));
        Assert.Equal("not-acceptable", body.GetProperty("outcome").GetString());
        Assert.Contains("application/json", body.GetProperty("detail").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task introspection_refuses_an_accept_admitting_no_json_too()
    {
        var (status, body, response) = await _server.Send(HttpMethod.Get, "/introspection", json: null, configure: Accepting("text/html"));
        Assert.Equal(406, status);
        Assert.Equal("Accept", EdgeServer.ProblemField(406, body, response));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/*")]
    [InlineData("*/*")]
    [InlineData("text/html, application/xhtml+xml, */*;q=0.8")]
    [InlineData("application/problem+json, application/json;q=0.5")]
    [InlineData("application/problem+json")]
    [InlineData("")]
    public async Task an_accept_admitting_json_is_served(string accept)
    {
        var (status, _, response) = await _server.Send(HttpMethod.Post, "/commands/Increment", """{"counterId":"c","by":1}""", configure: Accepting(accept));
        Assert.Equal(200, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task graphql_refuses_an_accept_admitting_no_json_with_not_acceptable_and_runs_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"mutation { increment(input: {counterId: \"c\", by: 1}) { position } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Tenant", _server.Tenant);
        request.Headers.TryAddWithoutValidation("X-Actor", "alice");
        request.Headers.TryAddWithoutValidation("X-Roles", "admin");
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("\"NOT_ACCEPTABLE\"", text);
        Assert.Contains("\"field\":\"Accept\"", text);
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Theory]
    [InlineData("application/graphql-response+json")]
    [InlineData("application/graphql-response+json, application/json;q=0.9")]
    public async Task graphql_serves_a_client_that_accepts_the_graphql_response_media_type(string accept)
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql", """{"query":"{ __typename }"}""", configure: Accepting(accept));
        Assert.Equal(200, status);
        Assert.Equal("Query", body.GetProperty("data").GetProperty("__typename").GetString());
    }
}
