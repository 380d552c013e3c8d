using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hybrid.Sample.Host;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// The sample's `serve` application (<see cref="SampleServer"/>) started in-process on a free loopback port, with an
/// HTTP client and every effect it performed.
/// </summary>
internal sealed class RunningSampleServer : IAsyncDisposable
{
    private bool _stopped;

    private RunningSampleServer(WebApplication web, string node, string dataDirectory, ConcurrentQueue<EffectContext> effects)
    {
        Web = web;
        Node = node;
        DataDirectory = dataDirectory;
        Effects = effects;
        Http = new HttpClient { BaseAddress = SampleServer.Address(web), Timeout = TimeSpan.FromMinutes(1) };
    }

    public WebApplication Web { get; }
    public string Node { get; }
    public string DataDirectory { get; }
    public ConcurrentQueue<EffectContext> Effects { get; }
    public HttpClient Http { get; }
    public IEventStore Store => Web.Services.GetRequiredService<IEventStore>();

    /// <summary>
    /// Builds and starts a server on the database (or, when it is null, on the embedded store in the data directory);
    /// the LMDB cache goes in <paramref name="dataDirectory"/>.
    /// </summary>
    public static async Task<RunningSampleServer> StartAsync(string? postgres, string node, string dataDirectory, ITestOutputHelper output,
        Action<HybridBuilder>? tune = null)
    {
        var effects = new ConcurrentQueue<EffectContext>();
        var web = await SampleServer.BuildAsync(new SampleServerOptions
        {
            Postgres = postgres,
            Urls = "http://127.0.0.1:0",
            NodeId = node,
            DataDirectory = dataDirectory,
            OnEffect = (effect, _) =>
            {
                effects.Enqueue(effect);
                return Task.CompletedTask;
            },
            Logging = logging => logging.AddProvider(new TestOutputLoggerProvider(output, node)),
            Tune = tune,
        });
        try
        {
            await web.StartAsync();
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
        return new RunningSampleServer(web, node, dataDirectory, effects);
    }

    /// <summary>Short leases and quick rebalancing, so tests see work move within seconds.</summary>
    public static void QuickLeases(HybridBuilder hybrid)
    {
        hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(3);
        hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(500);
        hybrid.ProcessorOptions.PollInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>POSTs a command or query with the caller headers (each omitted when null).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, object body, string? tenant, string? actor = null, string? roles = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (tenant is not null) request.Headers.Add("X-Tenant", tenant);
        if (actor is not null) request.Headers.Add("X-Actor", actor);
        if (roles is not null) request.Headers.Add("X-Roles", roles);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Stops gracefully: the scheduler, then processors (releasing their leases), then the read-model write-back.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Web.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await Web.DisposeAsync();
    }
}
