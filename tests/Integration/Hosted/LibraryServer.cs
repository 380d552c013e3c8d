using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hybrid.Shell.GraphQL;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The lending library as a user hosts it, following README: <c>AddHybrid(Library.registry, …)</c> on the in-memory
/// store, on the embedded store in a directory or on PostgreSQL, <c>app.UseProblemStatusPages()</c> and <c>app.MapHybrid()</c> and <c>app.MapHybridGraphQL()</c>, on
/// Kestrel (loopback, a free port). Processors and the scheduler run on short intervals so tests wait little.
/// </summary>
public sealed class LibraryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LibraryServer(WebApplication app)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public IEventStore Store => _app.Services.GetRequiredService<IEventStore>();

    /// <summary>Starts the library on the embedded store in <paramref name="directory"/> (its file at most <paramref name="maxMapSize"/> bytes), or in memory when it is null.</summary>
    public static Task<LibraryServer> StartAsync(string? directory, TimeProvider? clock = null, long maxMapSize = 256L << 30) =>
        StartWithAsync(hybrid =>
        {
            if (directory is null) hybrid.UseInMemory();
            else hybrid.UseEmbeddedStore(new LmdbEventStoreOptions { Directory = directory, InitialMapSize = Math.Min(64L << 20, maxMapSize), MaxMapSize = maxMapSize });
        }, clock);

    /// <summary>
    /// Starts the library on PostgreSQL as README shows: <c>UsePostgres(applicationConnectionString, pg =&gt;
    /// pg.MigrationConnectionString = owner)</c>, the application role's connection string derived from the owner's.
    /// </summary>
    public static async Task<LibraryServer> StartOnPostgresAsync(string ownerConnectionString, TimeProvider? clock = null, string nodeId = "library-node",
        int maxPoolSize = 10)
    {
        // Small pools, closed with the server: the test server's connections are shared by every PostgreSQL test class.
        string[] pools =
        [
            new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = "hybrid_app", MaxPoolSize = maxPoolSize }.ConnectionString,
            new NpgsqlConnectionStringBuilder(ownerConnectionString) { MaxPoolSize = 2 }.ConnectionString,
        ];
        var server = await StartWithAsync(hybrid => hybrid.UsePostgres(pools[0], pg => pg.MigrationConnectionString = pools[1]), clock, nodeId);
        server._pools = pools;
        return server;
    }

    private string[] _pools = [];

    /// <summary>Starts the library on the store <paramref name="useStore"/> chooses, as the node <paramref name="nodeId"/>.</summary>
    public static async Task<LibraryServer> StartWithAsync(Action<HybridBuilder> useStore, TimeProvider? clock = null, string nodeId = "library-node")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.Services.AddHybrid(Library.registry, hybrid =>
        {
            useStore(hybrid);
            hybrid.Processing(o =>
            {
                o.NodeId = nodeId;
                o.RebalanceInterval = TimeSpan.FromMilliseconds(100);
                o.PollInterval = TimeSpan.FromMilliseconds(100);
            });
        });
        var app = builder.Build();
        app.UseProblemStatusPages();
        app.MapHybrid();
        app.MapHybridGraphQL();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new LibraryServer(app);
    }

    /// <summary>Stops the host gracefully (processors, scheduler, read-model flush).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>A POST with a JSON body and caller headers (each left out when null).</summary>
    public async Task<Reply> Post(string path, string? json, string? tenant, string? actor = "ann", string? roles = "librarian",
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        if (tenant is not null) request.Headers.TryAddWithoutValidation("X-Tenant", tenant);
        if (actor is not null) request.Headers.TryAddWithoutValidation("X-Actor", actor);
        if (roles is not null) request.Headers.TryAddWithoutValidation("X-Roles", roles);
        configure?.Invoke(request);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType,
            response.Headers.ETag?.Tag, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>A GET with caller headers.</summary>
    public async Task<Reply> Get(string path, string? tenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (tenant is not null) request.Headers.TryAddWithoutValidation("X-Tenant", tenant);
        using var response = await Http.SendAsync(request);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType,
            response.Headers.ETag?.Tag, response.Headers.RetryAfter?.ToString());
    }

    /// <summary>The events of the tenant's log.</summary>
    public async Task<RecordedEvent[]> Log(string tenant) => await Store.Read(tenant, EventQuery.All, default);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        foreach (var pool in _pools)
        {
            await using var connection = new NpgsqlConnection(pool);
            NpgsqlConnection.ClearPool(connection);
        }
    }
}

/// <summary>An HTTP answer: status, body text (parsed on demand), media type, ETag and Retry-After.</summary>
public sealed record Reply(int Status, string Text, string? MediaType, string? ETag, string? RetryAfter)
{
    public JsonElement Body => JsonDocument.Parse(Text).RootElement.Clone();

    /// <summary>The problem document's field, after checking it is a problem document of this status with a detail.</summary>
    public string? ProblemField(int status)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal(status, Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(Body.GetProperty("detail").GetString()), Text);
        Assert.DoesNotContain("   at ", Text, StringComparison.Ordinal); // never a stack trace
        return Body.TryGetProperty("field", out var field) ? field.GetString() : null;
    }
}
