using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Hybrid.Tests.Integration.Security.SecuredHttpServer;

namespace Hybrid.Tests.Integration.Security;

/// <summary>
/// Deny by default reaches the descriptions too: behind a resolver that authenticates (JWT), a caller without valid
/// credentials gets a 401 from <c>GET /introspection</c> and from GraphQL introspection, as from a command; any
/// authenticated caller may read them (they hold no tenant's data, so a token without a tenant may too). Regression:
/// both described every command, query and payload to anonymous callers.
/// </summary>
public sealed class IntrospectionAccessTests : IAsyncLifetime
{
    private const string Schema = """{"query":"{ __schema { queryType { name } } }"}""";
    private SecuredHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _server.Http.SendAsync(request);
    }

    public static TheoryData<string?> BadTokens => new()
    {
        null,
        Token("acme", expires: DateTime.UtcNow.AddSeconds(-5)),
        Token("acme", key: ForeignKey),
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task an_unauthenticated_caller_gets_401_from_http_introspection(string? token)
    {
        using var response = await Send(HttpMethod.Get, "/jwt/introspection", token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Increment", text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task an_unauthenticated_caller_gets_401_from_graphql_introspection_and_no_schema(string? token)
    {
        using var response = await Send(HttpMethod.Post, "/jwt/graphql", token, Schema);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal("UNAUTHENTICATED", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object, body.ToString());
    }

    [Theory]
    [InlineData("acme")]
    [InlineData(null)]
    public async Task an_authenticated_caller_reads_both_introspections_with_or_without_a_tenant(string? tenant)
    {
        var token = Token(tenant);
        using var http = await Send(HttpMethod.Get, "/jwt/introspection", token);
        Assert.Equal(HttpStatusCode.OK, http.StatusCode);
        using var graphQL = await Send(HttpMethod.Post, "/jwt/graphql", token, Schema);
        var body = JsonDocument.Parse(await graphQL.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, graphQL.StatusCode);
        Assert.Equal("Query", body.GetProperty("data").GetProperty("__schema").GetProperty("queryType").GetProperty("name").GetString());
    }

    [Fact]
    public async Task behind_the_header_resolver_which_authenticates_nobody_introspection_stays_open()
    {
        using var response = await Send(HttpMethod.Get, "/headers/introspection", token: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
