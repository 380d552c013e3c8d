using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.GraphQL;
using Hybrid.Shell.Http;
using Hybrid.Shell.Middleware;
using Hybrid.Shell.Queries;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.WriteSide;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// The write-side test application's HTTP API and GraphQL endpoint on Kestrel (loopback, a free port) over an in-memory
/// store, with the problem status pages a route of the application's own, GraphQL over a resolver that throws at /throwing/graphql, over a store with a defect at /defective/graphql and over one that cannot be reached at /unreachable/graphql, over one that emits a reserved event type at /retyping/graphql and over one that appends under a condition with no tag at /bad-condition/graphql, for probing the surfaces with what users get wrong. Requests carry caller headers
/// for a fresh tenant unless told otherwise.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FollowingViews _views;

    private EdgeServer(WebApplication app, FollowingViews views, InMemoryEventStore store, HttpClient http)
    {
        (_app, _views, Store, Http) = (app, views, store, http);
    }

    public InMemoryEventStore Store { get; }
    public HttpClient Http { get; }
    public string Tenant { get; } = Tenants.Fresh();

    public static async Task<EdgeServer> StartAsync()
    {
        var store = new InMemoryEventStore();
        var views = TestViews.Following(store, TimeSpan.FromMilliseconds(20));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var options = new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(store),
            Queries = QueryProcessor.Of(WriteSideCatalog.registry, store, views),
            Registry = WriteSideCatalog.registry,
            Views = views,
        };
        app.UseProblemStatusPages();
        app.MapHybrid(options);
        app.MapHybridGraphQL(options);
        app.MapHybridGraphQL(new HybridHttpOptions
        {
            Commands = options.Commands, Queries = options.Queries, Registry = options.Registry, Callers = new ThrowingResolver(),
        }, "/throwing/graphql");
        app.MapHybridGraphQL(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(new DefectiveStore(store)), Registry = options.Registry,
        }, "/defective/graphql");
        app.MapHybridGraphQL(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(new UnreachableStore(store)), Registry = options.Registry,
        }, "/unreachable/graphql");
        app.MapHybridGraphQL(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(new RetypingStore(store, Purging.PurgedType)), Registry = options.Registry,
        }, "/retyping/graphql");
        app.MapHybridGraphQL(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(new BadConditionStore(store)), Registry = options.Registry,
        }, "/bad-condition/graphql");
        app.MapGet("/app/only-get", () => "ok"); // an application's own route
        app.MapGet("/app/forbidden", () => Microsoft.AspNetCore.Http.Results.StatusCode(403)); // and one that refuses without a body
        await app.StartAsync();
        return new EdgeServer(app, views, store, new HttpClient { BaseAddress = new Uri(app.Urls.Single()) });
    }

    /// <summary>Sends a request with a JSON body and the caller headers (each left out when its value is null).</summary>
    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? json = "{}",
        string? tenant = "", string? actor = "alice", string? roles = "admin", Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (tenant is not null) request.Headers.TryAddWithoutValidation("X-Tenant", tenant.Length == 0 ? Tenant : tenant);
        if (actor is not null) request.Headers.TryAddWithoutValidation("X-Actor", actor);
        if (roles is not null) request.Headers.TryAddWithoutValidation("X-Roles", roles);
        configure?.Invoke(request);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return ((int)response.StatusCode, body, response);
    }

    /// <summary>A POST of <paramref name="json"/> to <paramref name="path"/>.</summary>
    public Task<(int Status, JsonElement Body, HttpResponseMessage Response)> Post(string path, string json,
        Action<HttpRequestMessage>? configure = null) => Send(HttpMethod.Post, path, json, configure: configure);

    /// <summary>The problem document's field, checking it is one (the media type, the status member).</summary>
    public static string? ProblemField(int status, JsonElement body, HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        return body.TryGetProperty("field", out var field) ? field.GetString() : null;
    }

    /// <summary>A misconfigured caller resolver: it throws.</summary>
    private sealed class ThrowingResolver : ICallerResolver
    {
        public ValueTask<CallerResult> ResolveAsync(Microsoft.AspNetCore.Http.HttpContext context) =>
            throw new InvalidOperationException("resolver internals");
    }

    /// <summary>A store with a defect: appending throws what no store failure rule knows.</summary>
    private sealed class DefectiveStore(IEventStore inner) : DelegatingEventStore(inner)
    {
        public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) =>
            Task.FromException<AppendResult>(new InvalidOperationException("secret internals"));
    }

    /// <summary>A store that cannot be reached: appending throws what a driver says, host and port included.</summary>
    private sealed class UnreachableStore(IEventStore inner) : DelegatingEventStore(inner)
    {
        public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) =>
            Task.FromException<AppendResult>(new StoreUnavailableException("Failed to connect to 10.0.0.5:5432 (secret host)"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _views.Dispose();
        await _app.DisposeAsync();
    }
}
