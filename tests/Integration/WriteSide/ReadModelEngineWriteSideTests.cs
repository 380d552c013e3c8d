using System.Text;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Http;
using Hybrid.Shell.Queries;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Read-your-writes and queries over the real read-model engine, over HTTP.</summary>
public sealed class ReadModelEngineWriteSideTests
{
    [Fact]
    public async Task Invite_then_rename_answers_with_the_engines_fresh_view_of_the_customer()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        await using var engine = new ReadModelEngine(store, [Customers.readModel]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions
        {
            Commands = WriteSideSetup.Processor(store),
            Queries = QueryProcessor.Of(WriteSideCatalog.registry, store, engine),
            Registry = WriteSideCatalog.registry,
            Views = engine,
        });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        async Task<JsonElement> Post(string path, string json)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Tenant", tenant);
            request.Headers.Add("X-Actor", "root");
            request.Headers.Add("X-Roles", "admin");
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var invited = await Post("/commands/RegisterCustomer?waitMs=2000", """{"customerId":"e1","email":"e1@x.org","name":"Eve"}""");
        Assert.Equal("Eve", invited.GetProperty("views").GetProperty("customers:e1").GetProperty("name").GetString());

        var renamed = await Post("/commands/RenameCustomer?waitMs=2000&views=customers:e1", """{"customerId":"e1","name":"Eva"}""");
        Assert.Equal("Eva", renamed.GetProperty("views").GetProperty("customers:e1").GetProperty("name").GetString());

        var queried = await Post("/queries/Customer", """{"customerId":"e1"}""");
        Assert.Equal("e1@x.org", queried.GetProperty("value").GetProperty("email").GetString());
        Assert.Equal(2, queried.GetProperty("position").GetInt64());
    }
}
