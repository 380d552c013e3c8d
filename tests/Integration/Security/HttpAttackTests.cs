using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hybrid.Tests.Integration.Conformance;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Security.SecuredHttpServer;

namespace Hybrid.Tests.Integration.Security;

/// <summary>
/// The HTTP adapter's attack catalogue: forged, expired and missing tokens, spoofed tenant, actor and role headers next
/// to a valid token, and misconfigured caller resolvers. Each attempt is denied (or its spoofed headers ignored), never
/// answered with a 5xx, and writes nothing where it was denied.
/// </summary>
public sealed class HttpAttackTests(ITestOutputHelper output) : IAsyncLifetime
{
    private SecuredHttpServer _server = null!;
    private readonly string _tenant = Tenants.Fresh();
    private readonly string _victim = Tenants.Fresh();

    public async Task InitializeAsync() => _server = await StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed record HttpAttack(string Name, string Path, Action<HttpRequestMessage> Forge, HttpStatusCode Expected, string Body = """{"counterId":"c","by":1}""");

    private static Action<HttpRequestMessage> Bearer(string token, params (string Name, string Value)[] headers) => r =>
    {
        r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers) r.Headers.Add(name, value);
    };

    private static Action<HttpRequestMessage> Headers(params (string Name, string Value)[] headers) => r =>
    {
        foreach (var (name, value) in headers) r.Headers.Add(name, value);
    };

    private IEnumerable<HttpAttack> Denials()
    {
        var valid = Token(_tenant);
        var spoofedHeaders = new[] { ("X-Tenant", _victim), ("X-Actor", "mallory"), ("X-Roles", "admin") };
        return
        [
            new("no token", "/jwt/commands/Increment", Headers(spoofedHeaders), HttpStatusCode.Unauthorized),
            new("expired token", "/jwt/commands/Increment", Bearer(Token(_tenant, expires: DateTime.UtcNow.AddSeconds(-5))), HttpStatusCode.Unauthorized),
            new("token not valid yet", "/jwt/commands/Increment",
                Bearer(Token(_tenant, notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddHours(1))), HttpStatusCode.Unauthorized),
            new("token signed with another key", "/jwt/commands/Increment", Bearer(Token(_victim, key: ForeignKey)), HttpStatusCode.Unauthorized),
            new("unsigned token (alg none)", "/jwt/commands/Increment", Bearer(UnsignedToken(_victim)), HttpStatusCode.Unauthorized),
            new("token from another issuer", "/jwt/commands/Increment", Bearer(Token(_victim, issuer: "https://evil.test")), HttpStatusCode.Unauthorized),
            new("token for another audience", "/jwt/commands/Increment", Bearer(Token(_victim, audience: "another-api")), HttpStatusCode.Unauthorized),
            new("token with a forged payload", "/jwt/commands/Increment", Bearer(Tampered(valid, _victim)), HttpStatusCode.Unauthorized),
            new("garbage token", "/jwt/commands/Increment", Bearer("not.a.token"), HttpStatusCode.Unauthorized),
            new("basic credentials instead of a token", "/jwt/commands/Increment",
                r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("alice:secret"u8.ToArray())), HttpStatusCode.Unauthorized),
            new("token in the query string", $"/jwt/commands/Increment?access_token={valid}", Headers(), HttpStatusCode.Unauthorized),
            new("valid token without a tenant claim, tenant header sent", "/jwt/commands/Increment",
                Bearer(Token(tenant: null), ("X-Tenant", _victim)), HttpStatusCode.Forbidden),
            new("valid token without the admin role, role header sent", "/jwt/commands/RegisterCustomer",
                Bearer(valid, ("X-Roles", "admin")), HttpStatusCode.Forbidden, """{"customerId":"c9","email":"c9@x.org","name":"Cy"}"""),
            new("header resolver without a tenant", "/headers/commands/Increment", Headers(("X-Actor", "alice")), HttpStatusCode.BadRequest),
            new("header resolver without an actor", "/headers/commands/Increment", Headers(("X-Tenant", _victim)), HttpStatusCode.Forbidden),
            new("misconfigured: JWT resolver naming an unregistered scheme", "/unknown-scheme/commands/Increment", Bearer(valid), HttpStatusCode.Unauthorized),
            new("claims resolver given headers instead of credentials", "/claims/commands/Increment", Headers(spoofedHeaders), HttpStatusCode.Unauthorized),
            new("claims resolver: valid token without a tenant claim, tenant header sent", "/claims/commands/Increment",
                Bearer(Token(tenant: null), ("X-Tenant", _victim)), HttpStatusCode.Forbidden),
            new("valid token naming two tenants", "/jwt/commands/Increment", Bearer(Token(tenants: [_tenant, _victim])), HttpStatusCode.Forbidden),
            new("claims resolver: valid token naming two tenants", "/claims/commands/Increment", Bearer(Token(tenants: [_victim, _tenant])), HttpStatusCode.Forbidden),
            new("misconfigured: a resolver that fails", "/throwing/commands/Increment", Bearer(valid, spoofedHeaders), HttpStatusCode.Unauthorized),
        ];
    }

    /// <summary>The token with its payload swapped for one naming another tenant, signature kept.</summary>
    private static string Tampered(string token, string tenant)
    {
        var parts = token.Split('.');
        var forged = Token(tenant).Split('.')[1];
        return $"{parts[0]}.{forged}.{parts[2]}";
    }

    private async Task<HttpResponseMessage> Send(string path, Action<HttpRequestMessage> forge, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        forge(request);
        return await _server.Http.SendAsync(request);
    }

    [Fact]
    public async Task every_forged_missing_or_misconfigured_caller_is_denied_and_writes_nothing()
    {
        var attacks = Denials().ToList();
        var failures = new List<string>();
        foreach (var attack in attacks)
        {
            using var response = await Send(attack.Path, attack.Forge, attack.Body);
            if (response.StatusCode != attack.Expected)
                failures.Add($"{attack.Name}: {(int)response.StatusCode} instead of {(int)attack.Expected}: {await response.Content.ReadAsStringAsync()}");
            if (await _server.EventCount() != 0)
                failures.Add($"{attack.Name}: wrote events");
        }
        output.WriteLine($"HTTP attack catalogue: {attacks.Count} attempts, {attacks.Count - failures.Count} denied.");
        Assert.True(attacks.Count >= 15, $"only {attacks.Count} attacks");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task tenant_actor_and_role_headers_next_to_a_valid_token_are_ignored()
    {
        using var response = await Send("/jwt/commands/Increment",
            Bearer(Token(_tenant, "alice"), ("X-Tenant", _victim), ("X-Actor", "mallory"), ("X-Roles", "admin")), """{"counterId":"c","by":1}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, await _server.Store.GetHead(_victim, CancellationToken.None));
        var stored = Assert.Single(await _server.Store.Read(_tenant, EventQuery.All, CancellationToken.None));
        Assert.Equal("alice", stored.Metadata.Actor);
    }

    [Fact]
    public async Task an_unauthenticated_caller_gets_401_before_its_body_is_read_whatever_the_body()
    {
        // Regression: the body was read and checked first, so an anonymous client got 413 or 415 (and had 1 MiB read).
        var huge = new string('x', 2 * 1024 * 1024);
        foreach (var (path, content) in new (string, HttpContent)[]
                 {
                     ("/jwt/commands/Increment", new StringContent(huge, Encoding.UTF8, "application/json")),
                     ("/jwt/commands/Increment", new StringContent("counterId=c", Encoding.UTF8, "text/plain")),
                     ("/jwt/queries/CounterTotal", new StringContent(huge, Encoding.UTF8, "application/json")),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(_tenant, expires: DateTime.UtcNow.AddSeconds(-5)));
            using var response = await _server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.Equal(0, await _server.EventCount());
    }
}
