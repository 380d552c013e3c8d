using System.Text.Json;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// X-Tenant, X-Actor, X-Correlation-Id and X-Command-Id carry one value: sent twice, or with comma-joined values (the same
/// thing in HTTP), the request is a 400 problem naming the header, and nothing is written; one of them is never picked.
/// </summary>
public sealed class CallerHeaderTests : IAsyncLifetime
{
    private EdgeServer _server = null!;

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Body = """{"counterId":"c","by":1}""";

    [Theory]
    [InlineData("X-Tenant")]
    [InlineData("X-Actor")]
    [InlineData("X-Correlation-Id")]
    [InlineData("X-Command-Id")]
    public async Task a_caller_header_sent_twice_is_a_400_problem_naming_it(string header)
    {
        var values = header switch
        {
            "X-Tenant" => (_server.Tenant, "other-tenant"),
            "X-Command-Id" => (Guid.NewGuid().ToString(), Guid.NewGuid().ToString()),
            _ => ("one", "two"),
        };
        var lines = new List<string> { $"{header}: {values.Item1}", $"{header}: {values.Item2}" };
        if (header != "X-Tenant") lines.Add($"X-Tenant: {_server.Tenant}");
        if (header != "X-Actor") lines.Add("X-Actor: alice");
        var (status, head, body) = await RawHttp.Send(_server.Http.BaseAddress!, "POST", "/commands/Increment", Body, [.. lines]);
        Assert.Equal(400, status);
        Assert.Contains("application/problem+json", head);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(header, problem.GetProperty("field").GetString());
        Assert.Contains("2 times", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Theory]
    [InlineData("X-Tenant")]
    [InlineData("X-Actor")]
    [InlineData("X-Correlation-Id")]
    public async Task a_caller_header_with_comma_joined_values_is_a_400_problem_naming_it(string header)
    {
        var (status, body, response) = await _server.Send(HttpMethod.Post, "/commands/Increment", Body,
            tenant: header == "X-Tenant" ? $"{_server.Tenant},{_server.Tenant}" : "",
            actor: header == "X-Actor" ? "alice, mallory" : "alice",
            configure: r => { if (header == "X-Correlation-Id") r.Headers.TryAddWithoutValidation(header, ["c1", "c2"]); });
        Assert.Equal(400, status);
        Assert.Equal(header, EdgeServer.ProblemField(400, body, response));
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task graphql_refuses_a_doubled_caller_header_the_same_way()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/graphql",
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""", actor: "alice, mallory");
        Assert.Equal(200, status);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("X-Actor", error.GetProperty("extensions").GetProperty("field").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task graphql_over_a_caller_resolver_that_throws_denies_without_internals_as_http_does()
    {
        var (status, body, _) = await _server.Send(HttpMethod.Post, "/throwing/graphql",
            """{"query":"mutation { increment(input: { counterId: \"c\", by: 1 }) { position } }"}""");
        Assert.Equal(401, status); // HTTP answers a resolver that throws with 401 too
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("UNAUTHENTICATED", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("caller", error.GetProperty("extensions").GetProperty("field").GetString());
        Assert.DoesNotContain("internals", body.GetRawText());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }
}
