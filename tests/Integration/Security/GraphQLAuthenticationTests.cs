using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using static Hybrid.Tests.Integration.Security.SecuredHttpServer;

namespace Hybrid.Tests.Integration.Security;

/// <summary>
/// GraphQL behind JWT bearer authentication answers callers as the HTTP adapter does. Regression: a missing, expired or
/// forged token was an <c>INVALID</c> error in a 200 response, and a token without a tenant <c>INVALID</c> too; now
/// they are <c>UNAUTHENTICATED</c> in a 401 with <c>WWW-Authenticate: Bearer</c>, and <c>DENIED</c>.
/// </summary>
public sealed class GraphQLAuthenticationTests : IAsyncLifetime
{
    private const string Increment = """mutation { increment(input: { counterId: "c", by: 1 }) { position } }""";
    private SecuredHttpServer _server = null!;
    private readonly string _tenant = Tenants.Fresh();
    private readonly string _victim = Tenants.Fresh();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpResponseMessage Response, JsonElement Body)> Send(string? token, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/jwt/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query = Increment }), Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Code(JsonElement body) =>
        Assert.Single(body.GetProperty("errors").EnumerateArray()).GetProperty("extensions").GetProperty("code").GetString()!;

    [Fact]
    public async Task a_missing_expired_forged_or_unsigned_token_is_unauthenticated_with_401_and_writes_nothing()
    {
        foreach (var token in new[]
                 {
                     null, Token(_tenant, expires: DateTime.UtcNow.AddSeconds(-5)), Token(_victim, key: ForeignKey), UnsignedToken(_victim),
                     Token(_victim, audience: "another-api"),
                 })
        {
            var (response, body) = await Send(token, ("X-Tenant", _victim), ("X-Roles", "admin"));
            using (response)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                Assert.Equal("UNAUTHENTICATED", Code(body));
            }
        }
        Assert.Equal(0, await _server.EventCount());
    }

    [Fact]
    public async Task a_valid_token_without_a_tenant_claim_is_denied_and_a_valid_one_writes_to_its_own_tenant_only()
    {
        var (noTenant, denied) = await Send(Token(tenant: null), ("X-Tenant", _victim));
        using (noTenant) Assert.Equal("DENIED", Code(denied));
        Assert.Equal(0, await _server.EventCount());

        var (valid, body) = await Send(Token(_tenant), ("X-Tenant", _victim));
        using (valid) Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.False(body.TryGetProperty("errors", out _), body.ToString());
        Assert.Equal(1, await _server.Store.GetHead(_tenant, CancellationToken.None));
        Assert.Equal(0, await _server.Store.GetHead(_victim, CancellationToken.None));
    }
}
