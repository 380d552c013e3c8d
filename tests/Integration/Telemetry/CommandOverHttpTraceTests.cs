using System.Diagnostics;
using System.Net;
using System.Text;
using Hybrid.Sample;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Lmdb.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Hybrid.Tests.Integration.Telemetry;

/// <summary>
/// A command over HTTP as a user wiring OpenTelemetry sees it, on the embedded LMDB store and the in-memory store
/// alike: one trace of the HTTP span, the command's span under it and the store's append under that; a forbidden
/// command's span is tagged <c>unauthorized</c>, not an error, with no append and no exception event. Spans are
/// picked by a fresh tenant and the trace of the request.
/// </summary>
public sealed class CommandOverHttpTraceTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-http-trace-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Theory]
    [InlineData("in-memory")]
    [InlineData("lmdb")]
    public async Task a_command_over_http_is_one_trace_of_the_request_the_command_and_its_append_on_every_store(string kind)
    {
        var tenant = Conformance.Tenants.Fresh();
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddHybridInstrumentation().AddSource("Microsoft.AspNetCore")
            .AddInMemoryExporter(spans).Build();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddHybrid(Definitions.registry, hybrid =>
        {
            if (kind == "lmdb") hybrid.UseEmbeddedStore(Path.Combine(_temp.FullName, "events"));
            else hybrid.UseInMemory();
            hybrid.AddEffectHandler(Effects.SendEmail, (_, _) => Task.CompletedTask)
                .AddEffectHandler(Effects.ChargeCard, (_, _) => Task.CompletedTask);
        });
        await using var app = builder.Build();
        app.MapHybrid();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var accepted = await Invite(http, tenant, "admin", "c-1");
        using var forbidden = await Invite(http, tenant, "member", "c-2");
        await app.StopAsync();

        Assert.True(accepted.IsSuccessStatusCode, accepted.ToString());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Activity[] ours;
        lock (spans) ours = [.. spans];
        var commands = ours.Where(s => s.DisplayName == "command InviteCustomer" && Equals(s.GetTagItem("hybrid.tenant"), tenant)).ToArray();
        Assert.Equal(2, commands.Length);

        var command = Assert.Single(commands, s => Equals(s.GetTagItem("hybrid.outcome"), "accepted"));
        var request = Assert.Single(ours, s => s.SpanId == command.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", request.Source.Name);
        var append = Assert.Single(ours, s => s.DisplayName == "hybrid.store.append" && s.ParentSpanId == command.SpanId);
        Assert.Equal((command.TraceId, tenant, "appended"), (append.TraceId, append.GetTagItem("hybrid.tenant"), append.GetTagItem("hybrid.outcome")));

        var refused = Assert.Single(commands, s => Equals(s.GetTagItem("hybrid.outcome"), "unauthorized"));
        Assert.Equal(ActivityStatusCode.Unset, refused.Status);
        Assert.Empty(refused.Events);
        Assert.DoesNotContain(ours, s => s.DisplayName == "hybrid.store.append" && s.ParentSpanId == refused.SpanId);
    }

    private static async Task<HttpResponseMessage> Invite(HttpClient http, string tenant, string role, string customer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/InviteCustomer")
        {
            Content = new StringContent($$"""{"customerId":"{{customer}}","email":"{{customer}}@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", tenant);
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", role);
        return await http.SendAsync(request);
    }
}
