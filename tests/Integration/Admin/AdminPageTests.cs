using System.Net;
using Hybrid.Shell.Http;
using Hybrid.Shell.Http.Admin;
using Hybrid.Tests.Integration.Sample;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Admin;

/// <summary>
/// The sample server in-process on the embedded store, its admin page loaded by headless Chromium (content checked,
/// screenshot saved under the test results), and the admin policy checked over HTTP: no role a 403 problem document
/// showing nothing, viewers read only, admins act, refusals are problem documents with the surface's outcome tokens.
/// </summary>
public sealed class AdminPageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-admin-");
    private RunningSampleServer _server = null!;

    /// <summary>A request without X-Tenant (the browser) is an admin; with headers, the headers decide.</summary>
    private sealed class BrowserIsAdmin : ICallerResolver
    {
        private readonly HeaderCallerResolver _headers = new();

        public ValueTask<CallerResult> ResolveAsync(HttpContext context) =>
            context.Request.Headers.ContainsKey("X-Tenant")
                ? _headers.ResolveAsync(context)
                : ValueTask.FromResult(CallerResult.Of(new Caller("acme", "browser", ["admin"], "")));
    }

    public async Task InitializeAsync()
    {
        _server = await RunningSampleServer.StartAsync(null, "admin-test", _temp.FullName, output,
            hybrid =>
            {
                hybrid.Services.AddSingleton<ICallerResolver, BrowserIsAdmin>();
                // acme's operators run the service here: they see every tenant (AdminTenantScopeTests confines the others).
                hybrid.Services.AddSingleton(new HybridAdminOptions { OperationsTenant = "acme" });
            });
        await _server.Post("/commands/CreateList", new { listId = "groceries", name = "Groceries <&>" }, "acme", "ann", "member");
        await _server.Post("/commands/AddItem", new { listId = "groceries", text = "Milk" }, "acme", "ann", "member");
        var first = (await _server.Store.Read("acme", EventQuery.All.Take(1), default))[0];
        await _server.Web.Services.GetRequiredService<IDeadLetterStore>().Put(new DeadLetter("acme", "points", first.Position, first.Id, first.Type,
            "InvalidOperationException: planted for the admin page", 3, DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), default);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private Uri Page(string path) => new(_server.Http.BaseAddress!, path);

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string roles, bool adminHeader = true, HttpContent? content = null,
        string? cookie = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "someone");
        request.Headers.Add("X-Roles", roles);
        if (adminHeader) request.Headers.Add(HybridAdminEndpoints.RequestHeader, "1");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return await (client ?? _server.Http).SendAsync(request);
    }

    private async Task<DeadLetterStatus> StatusOfPlanted() =>
        (await _server.Web.Services.GetRequiredService<IDeadLetterStore>().TryGet("acme", "points", 1, default))!.Value.Status;

    [Fact]
    public async Task headless_chromium_renders_tenants_processors_lag_chart_dead_letters_with_buttons_and_read_models()
    {
        var dom = await HeadlessChromium.DumpDom(Page("/admin"));

        Assert.Contains("id=\"tenants-table\"", dom);
        Assert.Contains(">acme<", dom);
        Assert.Contains("id=\"processors-table\"", dom);
        Assert.Contains("id=\"lag-chart\"", dom);
        Assert.Contains("planted for the admin page", dom);
        Assert.Contains(">Retry</button>", dom);
        Assert.Contains(">Discard</button>", dom);
        Assert.Contains("__RequestVerificationToken", dom);
        Assert.Contains("id=\"read-models-table\"", dom);
        Assert.Contains("L1 hits", dom);

        var events = await HeadlessChromium.DumpDom(Page("/admin/tenants/acme"));
        Assert.Contains("ListCreated", events);
        Assert.Contains("Groceries &lt;&amp;&gt;", events);
        Assert.Contains("\"actor\":\"ann\"", events.Replace(" ", ""));

        var results = Environment.GetEnvironmentVariable("HYBRID_TEST_RESULTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "TestResults");
        var screenshot = Path.Combine(results, "screenshots", "admin-page.png");
        await HeadlessChromium.Screenshot(Page("/admin"), screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot {screenshot} is nearly empty");
        output.WriteLine($"Screenshot: {screenshot}");
    }

    /// <summary>Asserts a problem document with the status and outcome, and returns it.</summary>
    private static async Task<System.Text.Json.JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string outcome)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((outcome, $"urn:hybrid:problem:{outcome}", (int)status),
            (problem.GetProperty("outcome").GetString(), problem.GetProperty("type").GetString(), problem.GetProperty("status").GetInt32()));
        return problem;
    }

    [Fact]
    public async Task without_a_role_the_admin_surface_answers_a_403_problem_document_that_shows_nothing_of_it()
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/admin"), (HttpMethod.Get, "/admin/tenants/acme"), (HttpMethod.Get, "/admin/api/lag"),
                     (HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/retry"), (HttpMethod.Post, "/admin/api/processors/points/pause") })
        {
            using var response = await Send(method, path, "member");
            var problem = await Problem(response, HttpStatusCode.Forbidden, "unauthorized");
            var text = problem.GetRawText();
            Assert.DoesNotContain("planted", text);
            Assert.DoesNotContain("points", text);
            Assert.DoesNotContain("operator", text);
        }
        Assert.Empty(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
    }

    [Fact]
    public async Task a_viewer_who_tries_to_act_gets_a_403_problem_document_as_the_command_surface_answers_one()
    {
        using var retry = await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/retry", "operator");
        var problem = await Problem(retry, HttpStatusCode.Forbidden, "unauthorized");
        using var command = await Send(HttpMethod.Post, "/commands/InviteCustomer", "member",
            content: System.Net.Http.Json.JsonContent.Create(new { customerId = "c-9", email = "x@example.com" }));
        var commandProblem = await Problem(command, HttpStatusCode.Forbidden, "unauthorized");
        Assert.Equal(commandProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
    }

    [Fact]
    public async Task admin_refusals_name_their_outcome_in_the_lower_case_hyphenated_tokens_of_the_rest_of_the_http_surface()
    {
        await Problem(await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/99/retry", "admin"), HttpStatusCode.NotFound, "unknown-dead-letter");
        await Problem(await Send(HttpMethod.Post, "/admin/api/processors/nobody/pause", "admin"), HttpStatusCode.NotFound, "unknown-processor");
        await Problem(await Send(HttpMethod.Post, "/admin/api/read-models/nothing-like-it/rebuild?tenant=acme", "admin"), HttpStatusCode.NotFound, "unknown-read-model");
        await Problem(await Send(HttpMethod.Post, "/admin/api/tenants/acme/subjects/c-404/forget", "admin"), HttpStatusCode.NotFound, "unknown-subject");
        await Problem(await Send(HttpMethod.Post, "/admin/api/processors/points/replay?tenant=acme&from=999", "admin"), HttpStatusCode.BadRequest, "invalid");
        await Problem(await Send(HttpMethod.Post, "/admin/dead-letters/acme/points/1/explode", "admin"), HttpStatusCode.NotFound, "not-found");
        await Problem(await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/discard", "admin", adminHeader: false), HttpStatusCode.BadRequest, "request-forgery");
        using (var discarded = await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/discard", "admin"))
            Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        await Problem(await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/retry", "admin"), HttpStatusCode.Conflict, "not-pending");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("text/html, application/xml;q=0.9")]
    public async Task the_admin_json_api_refuses_an_accept_admitting_no_json_with_a_406_problem_naming_accept_and_changes_nothing(string accept)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/admin/api/lag"), (HttpMethod.Get, "/admin/api/dead-letters"),
                     (HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/discard") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("X-Tenant", "acme");
            request.Headers.Add("X-Actor", "someone");
            request.Headers.Add("X-Roles", "admin");
            request.Headers.Add(HybridAdminEndpoints.RequestHeader, "1");
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await _server.Http.SendAsync(request);
            var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(("not-acceptable", "Accept"), (body.GetProperty("outcome").GetString(), body.GetProperty("field").GetString()));
            Assert.Contains("application/json", body.GetProperty("detail").GetString());
        }
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("application/json")]
    [InlineData("application/problem+json")]
    [InlineData("")]
    public async Task the_admin_json_api_serves_an_accept_admitting_json_or_problem_documents_or_none(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/dead-letters");
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "someone");
        request.Headers.Add("X-Roles", "operator");
        if (accept.Length > 0) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task the_admin_json_writes_member_names_and_a_dead_letters_status_in_camel_case()
    {
        using var response = await Send(HttpMethod.Get, "/admin/api/dead-letters", "operator");
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine(text);
        var letter = Assert.Single(System.Text.Json.JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(("acme", "points", "pending"),
            (letter.GetProperty("tenant").GetString(), letter.GetProperty("processor").GetString(), letter.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task a_viewer_reads_the_page_without_buttons_and_cannot_act()
    {
        using var page = await Send(HttpMethod.Get, "/admin", "operator");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("planted for the admin page", html);
        Assert.DoesNotContain("<button", html);

        using var retry = await Send(HttpMethod.Post, "/admin/dead-letters/acme/points/1/retry", "operator");
        Assert.Equal(HttpStatusCode.Forbidden, retry.StatusCode);
        Assert.Equal(DeadLetterStatus.Pending, (await _server.Web.Services.GetRequiredService<IDeadLetterStore>().TryGet("acme", "points", 1, default))!.Value.Status);
    }

    [Fact]
    public async Task an_admin_discards_a_dead_letter_and_bad_requests_are_problem_documents()
    {
        using var unknown = await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/99/discard", "admin");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no dead letter at position 99", await unknown.Content.ReadAsStringAsync());
        using var wrongTenant = await Send(HttpMethod.Get, "/admin/tenants/globex", "admin");
        Assert.Equal(HttpStatusCode.NotFound, wrongTenant.StatusCode);

        using var discarded = await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/discard", "admin");
        Assert.Equal(HttpStatusCode.OK, discarded.StatusCode);
        using var again = await Send(HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/retry", "admin");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already discarded", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task only_an_admin_forgets_a_subject_and_an_unknown_or_forgotten_one_is_a_404_problem()
    {
        await _server.Post("/commands/InviteCustomer", new { customerId = "c-1", email = "zoe@example.com" }, "acme", "ann", "member,admin");
        const string forget = "/admin/api/tenants/acme/subjects/c-1/forget?reason=erasure%20request";
        foreach (var roles in new[] { "member", "operator" })
        {
            using var denied = await Send(HttpMethod.Post, forget, roles);
            await Problem(denied, HttpStatusCode.Forbidden, "unauthorized");
        }
        using var unknown = await Send(HttpMethod.Post, "/admin/api/tenants/acme/subjects/c-404/forget", "admin");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        await Problem(unknown, HttpStatusCode.NotFound, "unknown-subject");
        var invite = (await _server.Store.Read("acme", EventQuery.OfTypes("CustomerInvited"), default)).Single();
        Assert.Contains("zoe@example.com", invite.Body);

        using var forgotten = await Send(HttpMethod.Post, forget, "admin");
        Assert.Equal(HttpStatusCode.OK, forgotten.StatusCode);
        Assert.Contains("\"subject\":\"c-1\"", await forgotten.Content.ReadAsStringAsync());
        Assert.DoesNotContain("zoe@example.com", (await _server.Store.Read("acme", EventQuery.OfTypes("CustomerInvited"), default)).Single().Body);
        using var again = await Send(HttpMethod.Post, forget, "admin");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var wrongTenant = await Send(HttpMethod.Post, "/admin/api/tenants/globex/subjects/c-1/forget", "admin");
        Assert.Equal(HttpStatusCode.NotFound, wrongTenant.StatusCode);
    }

    [Fact]
    public async Task an_admin_post_without_an_antiforgery_token_or_the_admin_header_is_refused_with_400_and_changes_nothing()
    {
        foreach (var path in new[] { "/admin/dead-letters/acme/points/1/discard", "/admin/api/dead-letters/acme/points/1/discard", "/admin/api/processors/points/pause" })
        {
            using var forged = await Send(HttpMethod.Post, path, "admin", adminHeader: false,
                content: new FormUrlEncodedContent([new("__RequestVerificationToken", "forged")]));
            await Problem(forged, HttpStatusCode.BadRequest, "request-forgery");
        }
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
        Assert.Empty(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
    }

    [Fact]
    public async Task the_page_form_with_its_antiforgery_token_and_cookie_discards_the_dead_letter()
    {
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _server.Http.BaseAddress };
        using var page = await Send(HttpMethod.Get, "/admin", "admin", adminHeader: false, client: browser);
        var html = await page.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Assert.NotEqual("", token);

        using var withoutCookie = await Send(HttpMethod.Post, "/admin/dead-letters/acme/points/1/discard", "admin", adminHeader: false,
            content: new FormUrlEncodedContent([new("__RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token))]), client: browser);
        Assert.Equal(HttpStatusCode.BadRequest, withoutCookie.StatusCode);
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());

        using var posted = await Send(HttpMethod.Post, "/admin/dead-letters/acme/points/1/discard", "admin", adminHeader: false,
            content: new FormUrlEncodedContent([new("__RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token))]), cookie: cookie, client: browser);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(DeadLetterStatus.Discarded, await StatusOfPlanted());
    }

    [Fact]
    public async Task admin_operations_on_unknown_processors_models_and_tenants_are_problem_documents_and_change_nothing()
    {
        var cases = new (string Path, HttpStatusCode Status, string Says)[]
        {
            ("/admin/api/processors/nobody/pause", HttpStatusCode.NotFound, "No processor is named 'nobody'"),
            ("/admin/api/processors/points/pause?tenant=globex", HttpStatusCode.NotFound, "'globex'"),
            ("/admin/api/processors/points/replay?tenant=globex&from=0", HttpStatusCode.NotFound, "'globex'"),
            ("/admin/api/processors/points/replay?tenant=acme&from=999", HttpStatusCode.BadRequest, "not 999"),
            ("/admin/api/read-models/nothing-like-it/rebuild?tenant=acme", HttpStatusCode.NotFound, "'nothing-like-it'"),
            ("/admin/api/dead-letters/no%20such%20tenant/points/1/retry", HttpStatusCode.BadRequest, "tenant"),
            ("/admin/dead-letters/acme/points/1/explode", HttpStatusCode.NotFound, ""),
        };
        foreach (var (path, status, says) in cases)
        {
            using var response = await Send(HttpMethod.Post, path, "admin");
            Assert.Equal(status, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains(says, body);
            Assert.DoesNotContain("   at ", body);
        }
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
        Assert.Empty(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
    }

    [Fact]
    public async Task admin_parameters_that_are_missing_or_not_numbers_or_flags_are_problem_documents_naming_them()
    {
        var cases = new (HttpMethod Method, string Path, string Field)[]
        {
            (HttpMethod.Get, "/admin/tenants/acme?after=abc", "after"),
            (HttpMethod.Get, "/admin/api/dead-letters?all=maybe", "all"),
            (HttpMethod.Post, "/admin/api/processors/points/replay?tenant=acme", "from"),
            (HttpMethod.Post, "/admin/api/processors/points/replay?tenant=acme&from=x", "from"),
            (HttpMethod.Post, "/admin/api/processors/points/replay?from=0", "tenant"),
            (HttpMethod.Post, "/admin/api/read-models/lists/rebuild", "tenant"),
            (HttpMethod.Post, "/admin/api/dead-letters/acme/points/99999999999999999999/retry", "position"),
            (HttpMethod.Post, "/admin/api/dead-letters/acme/points/first/discard", "position"),
            (HttpMethod.Post, "/admin/dead-letters/acme/points/-1/retry", "position"),
        };
        foreach (var (method, path, field) in cases)
        {
            using var response = await Send(method, path, "admin");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
            Assert.Contains($"'{field}'", problem.RootElement.GetProperty("detail").GetString());
        }
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
    }

    [Fact]
    public async Task an_admin_query_parameter_an_endpoint_does_not_take_or_one_given_twice_is_a_400_naming_it_and_changes_nothing()
    {
        // Regression: unknown parameters were ignored, so a mistyped ?tenat=globex listed the caller's own tenant and a
        // pause with ?tenat= paused every tenant the caller covers.
        var cases = new (HttpMethod Method, string Path, string Field)[]
        {
            (HttpMethod.Get, "/admin/api/lag?tenat=acme", "tenat"),
            (HttpMethod.Get, "/admin/api/dead-letters?tenant=acme&tenant=globex", "tenant"),
            (HttpMethod.Get, "/admin/api/read-models?verbose=1", "verbose"),
            (HttpMethod.Get, "/admin?page=2", "page"),
            (HttpMethod.Get, "/admin/tenants/acme?before=3", "before"),
            (HttpMethod.Post, "/admin/api/processors/points/pause?tenat=acme", "tenat"),
            (HttpMethod.Post, "/admin/api/dead-letters/acme/points/1/discard?force=true", "force"),
        };
        foreach (var (method, path, field) in cases)
        {
            using var response = await Send(method, path, "admin");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = System.Text.Json.JsonDocument.Parse(text);
            Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
        }
        Assert.Equal(DeadLetterStatus.Pending, await StatusOfPlanted());
        Assert.Empty(await _server.Web.Services.GetRequiredService<ILeaseStore>().Pauses(default));
    }
}
