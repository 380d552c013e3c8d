using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Http;
using Hybrid.Shell.Queries;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>The HTTP adapter over real HTTP on loopback (Kestrel on a free port).</summary>
public sealed class HttpAdapterTests : IAsyncLifetime
{
    private readonly InMemoryEventStore _store = new();
    private WebApplication? _app;
    private FollowingViews? _views;
    private HttpClient _http = new();
    private readonly string _tenant = Tenants.Fresh();

    public async Task InitializeAsync()
    {
        _views = TestViews.Following(_store, TimeSpan.FromMilliseconds(20));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        var processor = WriteSideSetup.Processor(_store);
        _app.MapHybrid(new HybridHttpOptions
        {
            Commands = processor,
            Queries = QueryProcessor.Of(WriteSideCatalog.registry, _store, _views),
            Registry = WriteSideCatalog.registry,
            Views = _views,
        });
        _app.MapHybrid(new HybridHttpOptions
        {
            Commands = processor,
            Registry = WriteSideCatalog.registry,
            Callers = new ClaimsCallerResolver(),
        }, "/claims");
        _app.Use(async (context, next) =>
        {
            // Stands in for an authentication handler: claims from a test header.
            if (context.Request.Headers["X-Test-Claims"].ToString() is { Length: > 0 } claims)
            {
                var list = claims.Split(';').Select(c => c.Split('=', 2)).Select(kv => new Claim(kv[0], kv[1]));
                context.User = new ClaimsPrincipal(new ClaimsIdentity(list, "test"));
            }
            await next();
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _views?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(string path, string json,
        string actor = "alice", string roles = "", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", _tenant);
        if (actor.Length > 0) request.Headers.Add("X-Actor", actor);
        if (roles.Length > 0) request.Headers.Add("X-Roles", roles);
        request.Headers.Add("X-Correlation-Id", "corr-http");
        configure?.Invoke(request);
        var response = await _http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, body, response);
    }

    [Fact]
    public async Task Accepted_command_answers_200_with_event_ids_and_result()
    {
        var (status, body, _) = await Post("/commands/Increment", """{"counterId":"h","by":4}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var e = Assert.Single(body.GetProperty("events").EnumerateArray().ToArray());
        var id = e.GetProperty("id").GetGuid();
        Assert.Equal(4, body.GetProperty("result").GetProperty("total").GetInt32());
        var stored = Assert.Single(await _store.ReadStream(_tenant, StreamRead.Forward("counter-h"), CancellationToken.None));
        Assert.Equal(id, stored.Id);
        Assert.Equal(("corr-http", "alice"), (stored.Metadata.CorrelationId, stored.Metadata.Actor));
    }

    [Fact]
    public async Task Rejected_command_answers_422_with_code_reason_and_details()
    {
        var (status, body, _) = await Post("/commands/Increment", """{"counterId":"h","by":1000}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("over-max", body.GetProperty("code").GetString());
        Assert.Equal("0", body.GetProperty("details").GetProperty("total").GetString());
    }

    [Fact]
    public async Task Unauthorized_command_answers_403()
    {
        var (status, body, _) = await Post("/commands/RegisterCustomer", """{"customerId":"1","email":"a@b","name":"A"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("admin", body.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Post("/commands/Increment", """{"counterId":"h","by":1}""", actor: "")).Status);
    }

    [Fact]
    public async Task Invalid_command_answers_400_with_the_field_and_reason()
    {
        var (status, body, _) = await Post("/commands/RegisterCustomer", """{"customerId":"1","email":"nope","name":"A"}""", roles: "admin");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("email", body.GetProperty("field").GetString());
        Assert.Contains("not an email address", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Missing_tenant_answers_400_naming_the_header()
    {
        var response = await _http.PostAsync("/commands/Increment", new StringContent("""{"counterId":"h","by":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("X-Tenant", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Unknown_command_and_missing_target_answer_404()
    {
        var unknown = await Post("/commands/Launch", "{}");
        Assert.Equal((HttpStatusCode.NotFound, "unknown-command"), (unknown.Status, unknown.Body.GetProperty("outcome").GetString()));
        var missing = await Post("/commands/Decrement", """{"counterId":"ghost","by":1}""");
        Assert.Equal((HttpStatusCode.NotFound, "not-found"), (missing.Status, missing.Body.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Out_of_date_expected_version_answers_412_and_the_current_one_200()
    {
        await Post("/commands/Increment", """{"counterId":"v","by":1}""");
        await Post("/commands/Increment", """{"counterId":"v","by":1}""");
        var stale = await Post("/commands/Increment", """{"counterId":"v","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", "1"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Equal(2, stale.Body.GetProperty("actualVersion").GetInt64());
        var current = await Post("/commands/Increment?expectedVersion=2", """{"counterId":"v","by":1}""");
        Assert.Equal(HttpStatusCode.OK, current.Status);
        var bad = await Post("/commands/Increment?expectedVersion=soon", """{"counterId":"v","by":1}""");
        Assert.Equal((HttpStatusCode.BadRequest, "expectedVersion"), (bad.Status, bad.Body.GetProperty("field").GetString()));
    }

    [Fact]
    public async Task An_accepted_command_on_one_stream_answers_its_version_as_an_etag_that_if_match_takes_back()
    {
        var first = await Post("/commands/Increment", """{"counterId":"e","by":1}""");
        Assert.Equal("\"1\"", first.Response.Headers.ETag?.Tag);
        var next = await Post("/commands/Increment", """{"counterId":"e","by":1}""",
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", first.Response.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal("\"2\"", next.Response.Headers.ETag?.Tag);
        var stale = await Post("/commands/Increment", """{"counterId":"e","by":1}""",
            configure: r => r.Headers.TryAddWithoutValidation("If-Match", first.Response.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Null(stale.Response.Headers.ETag);
    }

    [Theory]
    [InlineData("W/\"2\"")]
    [InlineData("W/\"1\"")]
    public async Task if_match_with_a_weak_entity_tag_never_matches_and_answers_412_naming_if_match_and_the_version(string weak)
    {
        await Post("/commands/Increment", """{"counterId":"w","by":1}""");
        await Post("/commands/Increment", """{"counterId":"w","by":1}""");
        var refused = await Post("/commands/Increment", """{"counterId":"w","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", weak));

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.Status);
        Assert.Equal("application/problem+json", refused.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(("version-mismatch", "If-Match"), (refused.Body.GetProperty("outcome").GetString(), refused.Body.GetProperty("field").GetString()));
        Assert.Equal(long.Parse(weak[3..^1], System.Globalization.CultureInfo.InvariantCulture), refused.Body.GetProperty("expectedVersion").GetInt64());
        Assert.Contains("weak", refused.Body.GetProperty("detail").GetString());
        Assert.Equal(2L, (await _store.GetStreamState(_tenant, "counter-w", default)).Version);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"\"")]
    [InlineData("\"1.0\"")]
    public async Task if_match_with_a_quoted_tag_that_is_no_stream_version_matches_nothing_and_answers_412_naming_if_match(string tag)
    {
        await Post("/commands/Increment", """{"counterId":"q","by":1}""");
        var refused = await Post("/commands/Increment", """{"counterId":"q","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", tag));

        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.Status);
        Assert.Equal("application/problem+json", refused.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(("version-mismatch", "If-Match"), (refused.Body.GetProperty("outcome").GetString(), refused.Body.GetProperty("field").GetString()));
        Assert.False(refused.Body.TryGetProperty("expectedVersion", out _), refused.Body.ToString());
        Assert.Contains($"If-Match '{tag}' matches no stream version", refused.Body.GetProperty("detail").GetString());
        Assert.Equal(1L, (await _store.GetStreamState(_tenant, "counter-q", default)).Version);
    }

    [Theory]
    [InlineData("soon", "is not an entity tag")]
    [InlineData("\"1", "is not an entity tag")]
    [InlineData("\"1\", \"2\"", "lists several entity tags")]
    [InlineData("W/1", "is not an entity tag")]
    public async Task if_match_that_is_not_one_entity_tag_answers_400_saying_what_if_match_takes(string value, string why)
    {
        var refused = await Post("/commands/Increment", """{"counterId":"m","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", value));

        Assert.Equal((HttpStatusCode.BadRequest, "If-Match"), (refused.Status, refused.Body.GetProperty("field").GetString()));
        var detail = refused.Body.GetProperty("detail").GetString();
        Assert.Contains(why, detail);
        Assert.Contains("ETag", detail);
        Assert.Equal(0L, (await _store.GetStreamState(_tenant, "counter-m", default)).Version);
    }

    [Fact]
    public async Task If_none_match_star_creates_only_and_if_match_star_updates_only()
    {
        var updateMissing = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", "*"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, updateMissing.Status);
        var create = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.OK, create.Status);
        var createAgain = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, createAgain.Status);
        var update = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-Match", "*"));
        Assert.Equal(HttpStatusCode.OK, update.Status);

        var notStar = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"3\""));
        Assert.Equal((HttpStatusCode.BadRequest, "If-None-Match"), (notStar.Status, notStar.Body.GetProperty("field").GetString()));
        var both = await Post("/commands/Increment", """{"counterId":"n","by":1}""", configure: r =>
        {
            r.Headers.TryAddWithoutValidation("If-None-Match", "*");
            r.Headers.TryAddWithoutValidation("If-Match", "2");
        });
        Assert.Equal((HttpStatusCode.BadRequest, "If-None-Match"), (both.Status, both.Body.GetProperty("field").GetString()));
        Assert.Equal(2L, (await _store.GetStreamState(_tenant, "counter-n", default)).Version);
    }

    [Fact]
    public async Task Conflict_answers_409()
    {
        // A processor whose store always loses the race, served on its own prefix.
        var processor = WriteSideSetup.Processor(new InterferingStore(_store, int.MaxValue), new Shell.Commands.CommandProcessorOptions { MaxAttempts = 2 });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions { Commands = processor, Registry = WriteSideCatalog.registry });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment") { Content = new StringContent("""{"counterId":"k","by":1}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", _tenant);
        request.Headers.Add("X-Actor", "alice");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Paused_aggregate_answers_503_with_retry_after()
    {
        var processor = WriteSideSetup.Processor(_store, new Shell.Commands.CommandProcessorOptions { PausedWait = TimeSpan.FromMilliseconds(20), RetryAfter = TimeSpan.FromSeconds(3) });
        await _store.Append(AppendRequest.Of(_tenant, new ProposedEvent(Guid.NewGuid(),
            AggregateMigrationModule.started(WriteSideCatalog.CounterV2.migration), EventMetadata.Empty)), CancellationToken.None);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions { Commands = processor, Registry = WriteSideCatalog.registry });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment") { Content = new StringContent("""{"counterId":"p","by":1}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", _tenant);
        request.Headers.Add("X-Actor", "alice");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Read_your_writes_waits_for_the_views_and_answers_with_their_fresh_state()
    {
        var (status, body, _) = await Post("/commands/RegisterCustomer?waitMs=5000", """{"customerId":"c7","email":"c7@x.org","name":"Ada"}""", roles: "admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body.GetProperty("viewsTimedOut").GetBoolean());
        var view = body.GetProperty("views").GetProperty("customers:c7");
        Assert.Equal(("c7", "c7@x.org", "Ada"), (view.GetProperty("customerId").GetString(), view.GetProperty("email").GetString(), view.GetProperty("name").GetString()));

        var counter = await Post("/commands/Increment?waitMs=5000&views=counters:rw", """{"counterId":"rw","by":6}""");
        Assert.Equal(6, counter.Body.GetProperty("views").GetProperty("counters:rw").GetInt32());
    }

    [Fact]
    public async Task Read_your_writes_reports_a_timeout_but_keeps_the_accepted_command()
    {
        using var slow = TestViews.Following(_store, TimeSpan.FromSeconds(5));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions { Commands = WriteSideSetup.Processor(_store), Registry = WriteSideCatalog.registry, Views = slow });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment?waitMs=100") { Content = new StringContent("""{"counterId":"slow","by":1}""", Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", _tenant);
        request.Headers.Add("X-Actor", "alice");
        var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("viewsTimedOut").GetBoolean());
        Assert.Single(await _store.ReadStream(_tenant, StreamRead.Forward("counter-slow"), CancellationToken.None));
    }

    [Fact]
    public async Task Queries_answer_from_read_models_and_events_with_authorization()
    {
        await Post("/commands/RegisterCustomer", """{"customerId":"q1","email":"q1@x.org","name":"Bo"}""", roles: "admin");
        await Post("/commands/Increment", """{"counterId":"q","by":3}""");

        var customer = await Post("/queries/Customer", """{"customerId":"q1"}""");
        Assert.Equal(HttpStatusCode.OK, customer.Status);
        Assert.Equal("Bo", customer.Body.GetProperty("value").GetProperty("name").GetString());

        var total = await Post("/queries/CounterTotal", """{"counterId":"q"}""");
        Assert.Equal(3, total.Body.GetProperty("value").GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await Post("/queries/Customer", """{"customerId":"none"}""")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post("/queries/Customer", """{"customerId":"q1"}""", actor: "")).Status);
        var invalid = await Post("/queries/Customer", """{"customerId":""}""");
        Assert.Equal((HttpStatusCode.BadRequest, "customerId"), (invalid.Status, invalid.Body.GetProperty("field").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/queries/Nope", "{}")).Status);
    }

    [Fact]
    public async Task Claims_resolver_takes_tenant_identity_and_roles_from_the_user()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/claims/commands/RegisterCustomer")
        {
            Content = new StringContent("""{"customerId":"cl","email":"cl@x.org","name":"Cy"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Test-Claims", $"tenant={_tenant};{ClaimTypes.NameIdentifier}=carol;{ClaimTypes.Role}=admin");
        var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = Assert.Single(await _store.Read(_tenant, EventQuery.OfTags("customer:cl"), CancellationToken.None));
        Assert.Equal("carol", stored.Metadata.Actor);

        var noTenant = await _http.PostAsync("/claims/commands/Increment", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, noTenant.StatusCode);
    }

    [Fact]
    public async Task Introspection_lists_commands_with_their_event_types_and_queries_with_their_read_models()
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("/introspection");
        var increment = json.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Increment");
        Assert.Equal(["Incremented", "Decremented"], increment.GetProperty("facts").GetProperty("emits").EnumerateArray().Select(e => e.GetString()));
        var unguarded = json.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Unguarded");
        Assert.Equal("no: refused", unguarded.GetProperty("facts").GetProperty("authorized")[0].GetString());
        var customer = json.GetProperty("queries").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Customer");
        Assert.Equal("customers", customer.GetProperty("facts").GetProperty("readModels")[0].GetString());
        Assert.Equal(3, json.GetProperty("deciders").GetArrayLength());
        Assert.Contains("Increment  (", RegistryIntrospection.ToText(WriteSideCatalog.registry));
    }

    [Fact]
    public async Task Introspection_serves_each_payload_as_a_json_schema_and_documents_read_your_writes()
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("/introspection");
        var increment = json.GetProperty("commands").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Increment");
        var schema = increment.GetProperty("payload");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Contains("string", schema.GetProperty("properties").GetProperty("counterId").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["counterId", "by"], schema.GetProperty("required").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("by").GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        var customer = json.GetProperty("queries").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Customer");
        Assert.Equal("object", customer.GetProperty("payload").GetProperty("type").GetString());
        var waitMs = json.GetProperty("http").GetProperty("commands").GetProperty("query").GetProperty("waitMs").GetString();
        Assert.Contains("read-your-writes", waitMs);
        Assert.Contains("0 to 30000", waitMs);
    }
}
