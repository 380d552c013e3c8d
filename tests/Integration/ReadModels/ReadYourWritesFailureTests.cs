using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Http;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.WriteSide;
using Hybrid.Tests.TestDomain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// Read-your-writes over HTTP with the real engine: a view whose reducer throws never turns an accepted (committed)
/// command into a 500; the view is listed in viewsFailed and the other views are answered.
/// </summary>
public sealed class ReadYourWritesFailureTests
{
    private static ReadModelDefinition Model(string name, Func<int, RecordedEvent, int> evolve) =>
        ReadModel.readableBy(FuncConvert.FromFunc<Caller, bool>(_ => true),
            ReadModel.ofRecorded(name, 1, ListModule.OfArray(["Incremented"]), 0, FuncConvert.FromFunc(evolve)));

    [Fact]
    public async Task a_view_whose_reducer_throws_is_listed_as_failed_and_the_accepted_command_still_answers_200()
    {
        var store = new InMemoryEventStore();
        var tenant = Tenants.Fresh();
        var fragile = Model("fragile-count", (_, _) => throw new InvalidOperationException("the reducer is broken"));
        var steady = Model("steady-count", (n, _) => n + 1);
        var registry = WriteSideCatalog.registry.AddReadModel(fragile).AddReadModel(steady);
        await using var engine = new ReadModelEngine(store, [fragile, steady]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapHybrid(new HybridHttpOptions { Commands = WriteSideSetup.Processor(store), Registry = registry, Views = engine });
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var request = new HttpRequestMessage(HttpMethod.Post, "/commands/Increment?waitMs=5000&views=fragile-count,steady-count")
        {
            Content = new StringContent("""{"counterId":"rw","by":2}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", tenant);
        request.Headers.Add("X-Actor", "alice");

        var response = await http.SendAsync(request);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["fragile-count"], body.GetProperty("viewsFailed").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(1, body.GetProperty("views").GetProperty("steady-count").GetInt32());
        Assert.False(body.GetProperty("views").TryGetProperty("fragile-count", out _));
        Assert.False(body.GetProperty("viewsTimedOut").GetBoolean());
        Assert.Single(await store.ReadStream(tenant, StreamRead.Forward("counter-rw"), CancellationToken.None));
    }
}
