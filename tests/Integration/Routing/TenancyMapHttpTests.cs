using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Postgres.Routing;
using Hybrid.Shell.Routing;
using Hybrid.Tests.Integration.WriteSide;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Tests.Integration.Routing;

/// <summary>What HTTP callers see of the tenancy map: an unknown tenant is their mistake (400), an unreachable database 503.</summary>
[Collection(TwoClustersCollection.Name)]
public sealed class TenancyMapHttpTests(TwoClusters clusters)
{
    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task an_unknown_tenant_gets_400_naming_it_and_a_tenant_whose_database_is_unreachable_gets_503_while_others_go_on()
    {
        var databases = await clusters.NewDatabasesAsync("route_http");
        var nowhere = PostgresDatabase.ForAdmin("c", new NpgsqlConnectionStringBuilder(databases[0].MigrationConnectionString)
            { Port = FreePort(), Timeout = 2 }.ConnectionString);
        var map = new TenancyMap(["a", "c"], new Dictionary<string, string> { ["t1"] = "a", ["t3"] = "c" });
        var routes = new RoutingEventStore(map, PostgresTenantDatabases.Create([databases[0], nowhere], new PostgresHybridOptions(), TimeProvider.System));
        await using var _ = routes.Databases;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions { Commands = WriteSideSetup.Processor(routes), Registry = WriteSideCatalog.registry });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan? RetryAfter)> Increment(string tenant)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment")
            {
                Content = new StringContent("""{"counterId":"c","by":1}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Tenant", tenant);
            request.Headers.Add("X-Actor", "alice");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.RetryAfter?.Delta);
        }

        var unreachable = await Increment("t3");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unreachable.Status);
        Assert.NotNull(unreachable.RetryAfter);
        var unknown = await Increment("ghost");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Contains("'ghost'", unknown.Body.GetRawText());
        Assert.True((await Increment("t1")).Status is HttpStatusCode.OK or HttpStatusCode.Created);
        Assert.Equal(1L, await routes.GetHead("t1", default));
    }
}
