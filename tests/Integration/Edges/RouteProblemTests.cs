using System.Net;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// What routing would answer bare is answered with a problem document: a method a Hybrid route does not take is a 405
/// naming the method with <c>Allow</c>; a path naming no command or query is a 404 naming the path. With the problem
/// status pages, the application's own routes get one too (no route, a method the route does not take, a bare 403).
/// </summary>
public sealed class RouteProblemTests : IAsyncLifetime
{
    private EdgeServer _server = null!;

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("DELETE", "/commands/Increment", "POST")]
    [InlineData("PUT", "/commands/Increment", "POST")]
    [InlineData("GET", "/commands/Increment", "POST")]
    [InlineData("PATCH", "/queries/CounterTotal", "POST")]
    [InlineData("DELETE", "/queries/nothing-like-it", "POST")]
    [InlineData("POST", "/introspection", "GET, HEAD")]
    [InlineData("DELETE", "/introspection", "GET, HEAD")]
    [InlineData("GET", "/graphql", "POST")]
    [InlineData("BREW", "/commands/Increment", "POST")]
    [InlineData("POST", "/app/only-get", "GET")]
    public async Task a_method_a_route_does_not_take_is_a_405_problem_naming_the_method_with_allow(string method, string path, string allow)
    {
        var (status, body, response) = await _server.Send(new HttpMethod(method), path);
        Assert.Equal(405, status);
        Assert.Equal("method", EdgeServer.ProblemField(405, body, response));
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        Assert.Contains(method, body.GetProperty("detail").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Theory]
    [InlineData("/commands/")]
    [InlineData("/commands")]
    [InlineData("/commands/Increment/extra")]
    [InlineData("/queries/")]
    [InlineData("/queries")]
    [InlineData("/nothing-here")]
    public async Task a_path_naming_no_command_query_or_anything_is_a_404_problem(string path)
    {
        var (status, body, response) = await _server.Post(path, """{"counterId":"c","by":1}""");
        Assert.Equal(404, status);
        Assert.Equal("path", EdgeServer.ProblemField(404, body, response));
    }

    [Fact]
    public async Task the_allowed_methods_still_reach_their_endpoints()
    {
        var (status, _, _) = await _server.Post("/commands/Increment", """{"counterId":"c","by":1}""");
        Assert.Equal(200, status);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/introspection")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _server.Http.GetAsync("/app/only-get")).StatusCode);
        var (unknown, body, response) = await _server.Post("/commands/NothingLikeIt", "{}");
        Assert.Equal((404, "unknown-command"), (unknown, body.GetProperty("outcome").GetString()));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task a_bare_403_of_an_applications_own_route_is_the_unauthorized_problem_a_command_answers()
    {
        var (status, body, response) = await _server.Send(HttpMethod.Get, "/app/forbidden", json: null);
        Assert.Equal(403, status);
        Assert.Null(EdgeServer.ProblemField(403, body, response));
        Assert.Equal(("unauthorized", "The caller may not do this."), (body.GetProperty("outcome").GetString(), body.GetProperty("title").GetString()));
        Assert.Contains("/app/forbidden", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task introspection_answers_head_as_it_answers_get_without_a_body()
    {
        // HTTP asks every resource that answers GET to answer HEAD; it was a 405 (Allow: GET).
        using var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/introspection"));
        using var get = await _server.Http.GetAsync("/introspection");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.NotEmpty(await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task introspection_refuses_a_query_parameter_it_does_not_take_naming_it()
    {
        var (status, body, response) = await _server.Send(HttpMethod.Get, "/introspection?format=yaml", json: null);
        Assert.Equal(400, status);
        Assert.Equal("format", EdgeServer.ProblemField(400, body, response));
    }
}
