using System.Net;
using System.Text.Json;
using Hybrid.Tests.Integration.Sample;
using Xunit.Abstractions;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// The sample's `serve` (embedded store, in process) probed as a user would: every mistake of method, path, header or
/// body is a 4xx problem document naming what was wrong, never a bare response or a 5xx.
/// </summary>
public sealed class SampleServeProblemTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-edges-serve-");
    private RunningSampleServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningSampleServer.StartAsync(null, "edges", Path.Combine(_temp.FullName, "data"), output);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    public static TheoryData<string, string, string?, int, string?> Mistakes => new()
    {
        { "DELETE", "/commands/CreateList", null, 405, "method" },
        { "PUT", "/queries/lists", null, 405, "method" },
        { "DELETE", "/health", null, 405, "method" },
        { "GET", "/graphql", null, 405, "method" },
        { "DELETE", "/admin", null, 405, "method" },
        { "POST", "/commands/", "{}", 404, "path" },
        { "POST", "/commands", "{}", 404, "path" },
        { "GET", "/nothing-here", null, 404, "path" },
        { "POST", "/commands/CreateList", "{\"listId\":", 400, "body" },
        { "POST", "/commands/CreateList", "[1,2]", 400, "body" },
        { "POST", "/commands/CreateList?expectedVersion=abc", """{"listId":"l","name":"n"}""", 400, "expectedVersion" },
        { "POST", "/commands/CreateList?waitMs=-5", """{"listId":"l","name":"n"}""", 400, "waitMs" },
        { "POST", "/commands/CreateList?nope=1", """{"listId":"l","name":"n"}""", 400, "nope" },
        { "POST", "/queries/lists", """{"limit":99999999999}""", 400, "limit" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task a_users_mistake_is_a_4xx_problem_naming_the_field(string method, string path, string? json, int expected, string? field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == (int)response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(expected, problem.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.GetProperty("field").GetString());
        if (expected == 405) Assert.NotEmpty(response.Content.Headers.Allow);
    }

    [Fact]
    public async Task health_still_answers_get()
    {
        using var response = await _server.Http.GetAsync("/health");
        Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
