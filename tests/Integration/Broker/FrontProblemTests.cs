using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hybrid.Testing.Nats;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.Sample;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// The sample's `front` answers a user's mistakes as `serve` does, before anything goes to the broker (here down, so a
/// request that got through would be a 503): 415, 413 and 400 problem documents naming the header or the body, a 405
/// with Allow, a 404 for a path nothing serves, and every failure as <c>application/problem+json</c>. Regression: it
/// read any body whole whatever its type or size, forwarded the empty GUID as a command id, answered bare 404s and
/// 405s, and sent failures as <c>application/json</c>.
/// </summary>
public sealed class FrontProblemTests : IAsyncLifetime
{
    private PrivateNatsServer _nats = null!;
    private ServeProcess _front = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _nats = await PrivateNatsServer.StartAsync();
        _nats.Stop();
        var url = $"http://127.0.0.1:{FreePort()}";
        _front = ServeProcess.Start("front", "--nats", _nats.Url, "--urls", url);
        await Eventually.Until(() => Task.FromResult(_front.Output.Any(l => l.Contains("front ready", StringComparison.Ordinal))), "the front is ready");
        _http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _front.Dispose();
        _nats.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, string?, string, int, string?> Mistakes => new()
    {
        { "text content type", "/commands/CreateList", """{"listId":"x","name":"X"}""", "text/plain", 415, "Content-Type" },
        { "body over 1 MiB", "/commands/CreateList", $$"""{"listId":"x","name":"{{new string('x', 1_048_577)}}"}""", "", 413, "body" },
        { "malformed command id", "/commands/CreateList", """{"listId":"x","name":"X"}""", "command-id:soon", 400, "X-Command-Id" },
        { "the empty GUID as command id", "/commands/CreateList", """{"listId":"x","name":"X"}""", "command-id:00000000-0000-0000-0000-000000000000", 400, "X-Command-Id" },
        { "missing tenant", "/commands/CreateList", """{"listId":"x","name":"X"}""", "no-tenant", 400, "X-Tenant" },
        { "a method the route does not take", "/commands/CreateList", null, "GET", 405, "method" },
        { "a path nothing serves", "/nothing-here", "{}", "", 404, "path" },
        { "the broker is down", "/commands/CreateList?deadlineMs=2000", """{"listId":"x","name":"X"}""", "", 503, null },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task a_mistake_is_a_problem_document_naming_what_was_wrong_as_serve_answers_it(
        string mistake, string path, string? json, string how, int status, string? field)
    {
        using var request = new HttpRequestMessage(how == "GET" ? HttpMethod.Get : HttpMethod.Post, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, how == "text/plain" ? "text/plain" : "application/json");
        if (how != "no-tenant") request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        if (how.StartsWith("command-id:", StringComparison.Ordinal)) request.Headers.Add("X-Command-Id", how["command-id:".Length..]);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{mistake}: expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(field, problem.TryGetProperty("field", out var named) ? named.GetString() : null);
        if (status == 405) Assert.Equal("POST", string.Join(", ", response.Content.Headers.Allow));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
