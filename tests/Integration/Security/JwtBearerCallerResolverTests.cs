using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hybrid.Tests.Integration.Conformance;
using static Hybrid.Tests.Integration.Security.SecuredHttpServer;

namespace Hybrid.Tests.Integration.Security;

/// <summary>The JWT bearer caller resolver over real HTTP: claims become tenant, actor and roles; bad tokens get 401.</summary>
public sealed class JwtBearerCallerResolverTests : IAsyncLifetime
{
    private SecuredHttpServer _server = null!;
    private readonly string _tenant = Tenants.Fresh();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(string command, string json, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/jwt/commands/{command}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await _server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response);
    }

    [Fact]
    public async Task a_valid_token_gives_the_tenant_actor_and_roles_of_its_claims()
    {
        var (status, _, _) = await Post("RegisterCustomer", """{"customerId":"c1","email":"c1@x.org","name":"Cy"}""", Token(_tenant, "carol", ["admin"]));
        Assert.Equal(HttpStatusCode.OK, status);
        var stored = Assert.Single(await _server.Store.Read(_tenant, EventQuery.OfTags("customer:c1"), CancellationToken.None));
        Assert.Equal("carol", stored.Metadata.Actor);
    }

    [Fact]
    public async Task an_expired_token_is_refused_with_401_and_writes_nothing()
    {
        var (status, body, response) = await Post("Increment", """{"counterId":"c","by":1}""", Token(_tenant, expires: DateTime.UtcNow.AddMinutes(-1)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("The bearer token was refused: it has expired.", body.GetProperty("reason").GetString());
        Assert.Equal(0, await _server.EventCount());
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_refused_with_401_and_writes_nothing()
    {
        var (status, body, _) = await Post("Increment", """{"counterId":"c","by":1}""", Token(_tenant, key: ForeignKey));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The bearer token was refused: its signature is not valid.", body.GetProperty("reason").GetString());
        Assert.Equal(0, await _server.EventCount());
    }

    [Fact]
    public async Task a_missing_token_is_refused_with_401_naming_the_authorization_header()
    {
        var (status, body, _) = await Post("Increment", """{"counterId":"c","by":1}""", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Authorization", body.GetProperty("field").GetString());
        Assert.StartsWith("A bearer token is required", body.GetProperty("reason").GetString());
        Assert.Equal(0, await _server.EventCount());
    }

    [Fact]
    public async Task a_valid_token_without_a_tenant_claim_is_refused_with_403()
    {
        var (status, body, _) = await Post("Increment", """{"counterId":"c","by":1}""", Token(tenant: null));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("tenant", body.GetProperty("field").GetString());
        Assert.Equal(0, await _server.EventCount());
    }
}
