using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Hybrid.Shell.Http;
using Hybrid.Shell.Http.Admin;
using Hybrid.Tests.Integration.Sample;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Security.SecuredHttpServer;

namespace Hybrid.Tests.Integration.Admin;

/// <summary>
/// The admin surface behind JWT bearer authentication, as a multi-tenant service runs it: a tenant's admin (the role a
/// tenant hands out for its own commands) reaches its own tenant only, through every page and endpoint; the operations
/// tenant's admin reaches all; an unauthenticated caller gets a 401. Regression: the admin role was global, so acme's
/// admin read globex's events and dead letters and retried, paused and forgot in globex.
/// </summary>
public sealed class AdminTenantScopeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Operations = "ops";
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-admin-scope-");
    private RunningSampleServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningSampleServer.StartAsync(null, "admin-scope", _temp.FullName, output, hybrid =>
        {
            AddTestJwtBearer(hybrid.Services);
            hybrid.Services.AddSingleton<ICallerResolver>(new JwtBearerCallerResolver());
            hybrid.Services.AddSingleton(new HybridAdminOptions { OperationsTenant = Operations });
        });
        foreach (var tenant in new[] { "acme", "globex" })
        {
            using var created = await Send(HttpMethod.Post, "/commands/CreateList", Token(tenant, "ann", ["member"]),
                JsonContent.Create(new { listId = "secret-plans", name = $"{tenant} secret plans" }));
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            using var invited = await Send(HttpMethod.Post, "/commands/InviteCustomer", Token(tenant, "ann", ["member", "admin"]),
                JsonContent.Create(new { customerId = "c-1", email = $"zoe@{tenant}.example" }));
            Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
            var first = (await _server.Store.Read(tenant, EventQuery.All.Take(1), default))[0];
            await DeadLetters.Put(new DeadLetter(tenant, "points", first.Position, first.Id, first.Type,
                $"InvalidOperationException: planted in {tenant}", 3, DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), default);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private IDeadLetterStore DeadLetters => _server.Web.Services.GetRequiredService<IDeadLetterStore>();

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(HybridAdminEndpoints.RequestHeader, "1");
        return await _server.Http.SendAsync(request);
    }

    private static readonly string AcmeAdmin = Token("acme", "alice", ["admin"]);

    private static (HttpMethod Method, string Path)[] EndpointsNaming(string tenant) =>
    [
        (HttpMethod.Get, $"/admin/tenants/{tenant}"),
        (HttpMethod.Get, $"/admin/tenants/{tenant}?stream=secret-plans"),
        (HttpMethod.Get, $"/admin/api/lag?tenant={tenant}"),
        (HttpMethod.Get, $"/admin/api/dead-letters?tenant={tenant}&all=true"),
        (HttpMethod.Post, $"/admin/dead-letters/{tenant}/points/1/retry"),
        (HttpMethod.Post, $"/admin/api/dead-letters/{tenant}/points/1/retry"),
        (HttpMethod.Post, $"/admin/api/dead-letters/{tenant}/points/1/discard"),
        (HttpMethod.Post, $"/admin/api/processors/points/pause?tenant={tenant}"),
        (HttpMethod.Post, $"/admin/api/processors/points/resume?tenant={tenant}"),
        (HttpMethod.Post, $"/admin/api/processors/points/replay?tenant={tenant}&from=0"),
        (HttpMethod.Post, $"/admin/api/read-models/lists/rebuild?tenant={tenant}"),
        (HttpMethod.Post, $"/admin/api/tenants/{tenant}/subjects/c-1/forget"),
    ];

    [Fact]
    public async Task a_tenant_admin_reaches_another_tenant_through_no_admin_endpoint_and_changes_nothing_there()
    {
        var failures = new List<string>();
        // "initech" does not exist: the answer must not tell it apart from globex, which does.
        foreach (var (method, path) in EndpointsNaming("globex").Concat(EndpointsNaming("initech")).Append((HttpMethod.Post, "/admin/api/verify")))
        {
            using var response = await Send(method, path, AcmeAdmin);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains("\"outcome\":\"unauthorized\"", StringComparison.Ordinal))
                failures.Add($"{method} {path}: {(int)response.StatusCode} {body}");
            if (body.Contains("secret plans", StringComparison.Ordinal) || body.Contains("zoe@", StringComparison.Ordinal) || body.Contains("planted", StringComparison.Ordinal))
                failures.Add($"{method} {path}: leaked {body}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(DeadLetterStatus.Pending, (await DeadLetters.TryGet("globex", "points", 1, default))!.Value.Status);
        Assert.Empty(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
        var invite = (await _server.Store.Read("globex", EventQuery.OfTypes("CustomerInvited"), default)).Single();
        Assert.Contains("zoe@globex.example", invite.Body);
    }

    [Fact]
    public async Task a_tenant_admin_s_page_and_listings_show_its_own_tenant_only_and_its_pause_without_a_tenant_pauses_its_own()
    {
        using var page = await Send(HttpMethod.Get, "/admin", AcmeAdmin);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("planted in acme", html);
        Assert.DoesNotContain("globex", html);

        foreach (var path in new[] { "/admin/api/lag", "/admin/api/dead-letters?all=true" })
        {
            using var listing = await Send(HttpMethod.Get, path, AcmeAdmin);
            var json = await listing.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, listing.StatusCode);
            Assert.Contains("\"tenant\":\"acme\"", json);
            Assert.DoesNotContain("globex", json);
        }

        using var paused = await Send(HttpMethod.Post, "/admin/api/processors/points/pause", AcmeAdmin);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        var pause = Assert.Single(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
        Assert.Equal(("points", "acme"), (pause.Processor, pause.Tenant));
        using var globexPauses = await Send(HttpMethod.Get, "/admin/api/pauses", Token("globex", "gus", ["operator"]));
        Assert.Equal("[]", await globexPauses.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_tenant_admin_gets_the_read_models_without_the_store_wide_cache_counters_which_the_operations_tenant_gets()
    {
        // Regression: /admin/api/read-models and the page's cache table gave any tenant's admin the counters of every
        // tenant's reads and folds (how much globex folded, cached, wrote back).
        using var tenants = await Send(HttpMethod.Get, "/admin/api/read-models", AcmeAdmin);
        var json = System.Text.Json.JsonDocument.Parse(await tenants.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, tenants.StatusCode);
        Assert.NotEmpty(json.GetProperty("models").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("cache").ValueKind);
        using var page = await Send(HttpMethod.Get, "/admin", AcmeAdmin);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"read-models-table\"", html);
        Assert.DoesNotContain("id=\"cache-table\"", html);

        var operationsAdmin = Token(Operations, "olga", ["operator"]);
        using var operations = await Send(HttpMethod.Get, "/admin/api/read-models", operationsAdmin);
        var all = System.Text.Json.JsonDocument.Parse(await operations.Content.ReadAsStringAsync()).RootElement;
        Assert.True(all.GetProperty("cache").GetProperty("eventsFolded").GetInt64() >= 0);
        using var operationsPage = await Send(HttpMethod.Get, "/admin", operationsAdmin);
        Assert.Contains("id=\"cache-table\"", await operationsPage.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task an_admin_of_the_operations_tenant_sees_and_acts_on_every_tenant()
    {
        var operationsAdmin = Token(Operations, "olga", ["admin"]);
        using var letters = await Send(HttpMethod.Get, "/admin/api/dead-letters", operationsAdmin);
        var json = await letters.Content.ReadAsStringAsync();
        Assert.Contains("\"tenant\":\"acme\"", json);
        Assert.Contains("\"tenant\":\"globex\"", json);

        using var discarded = await Send(HttpMethod.Post, "/admin/api/dead-letters/globex/points/1/discard", operationsAdmin);
        Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        Assert.Equal(DeadLetterStatus.Discarded, (await DeadLetters.TryGet("globex", "points", 1, default))!.Value.Status);
        using var verified = await Send(HttpMethod.Post, "/admin/api/verify", operationsAdmin);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }

    [Fact]
    public async Task an_unauthenticated_caller_gets_a_401_problem_document_from_the_admin_surface_not_a_403()
    {
        foreach (var token in new[] { null, Token("acme", "alice", ["admin"], expires: DateTime.UtcNow.AddMinutes(-1)), Token("acme", "alice", ["admin"], key: ForeignKey) })
        {
            foreach (var (method, path) in new[] { (HttpMethod.Get, "/admin"), (HttpMethod.Get, "/admin/api/lag"), (HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/retry") })
            {
                using var response = await Send(method, path, token);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("planted", await response.Content.ReadAsStringAsync());
            }
        }
        Assert.Equal(DeadLetterStatus.Pending, (await DeadLetters.TryGet("acme", "points", 1, default))!.Value.Status);
    }
}
