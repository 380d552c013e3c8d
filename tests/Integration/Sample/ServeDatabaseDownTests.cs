using System.Net;
using System.Text;
using System.Text.Json;
using Hybrid.Testing.Postgres;
using Hybrid.Tests.Integration.Postgres;
using Npgsql;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// The sample's server while its PostgreSQL server is down: 503 with Retry-After, never a 500 (GraphQL: an UNAVAILABLE
/// error, with Retry-After too); then recovery.
/// </summary>
public sealed class ServeDatabaseDownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-down-");
    private PrivatePostgresCluster _cluster = null!;
    private RunningSampleServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresTestServer.StartOwnClusterAsync();
        var database = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = "postgres", Timeout = 3 }.ConnectionString;
        _server = await RunningSampleServer.StartAsync(database, "down-test", Path.Combine(_temp.FullName, "lmdb"), output);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, TimeSpan? RetryAfter, string? Type)> Post(string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        using var response = await _server.Http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response.Headers.RetryAfter?.Delta, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task With_the_database_down_commands_and_queries_answer_503_with_retry_after_and_succeed_once_it_is_back()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/commands/CreateList", """{"listId":"l","name":"L"}""")).Status);

        await _cluster.StopAsync();
        var command = await Post("/commands/AddItem", """{"listId":"l","text":"milk"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, command.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), command.RetryAfter);
        Assert.Equal("application/problem+json", command.Type);
        Assert.Equal("unavailable", command.Body.GetProperty("outcome").GetString());
        Assert.DoesNotContain("Npgsql", command.Body.GetRawText());
        var query = await Post("/queries/list", """{"listId":"nowhere"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, query.Status);
        Assert.NotNull(query.RetryAfter);
        var graphQL = await Post("/graphql", """{"query":"mutation { addItem(input: { listId: \"l\", text: \"milk\" }) { position } }"}""");
        var error = Assert.Single(graphQL.Body.GetProperty("errors").EnumerateArray());
        Assert.Equal("UNAVAILABLE", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(TimeSpan.FromSeconds(2), graphQL.RetryAfter);
        Assert.DoesNotContain("Npgsql", graphQL.Body.GetRawText());

        await _cluster.RestartAsync();
        await Until(async () => (await Post("/commands/AddItem", """{"listId":"l","text":"milk"}""")).Status == HttpStatusCode.OK,
            "commands succeed again");
        var items = await Post("/queries/list", """{"listId":"l"}""");
        Assert.Equal(HttpStatusCode.OK, items.Status);
    }

    [Fact]
    public async Task With_the_database_down_the_admin_surface_and_graphql_queries_answer_unavailable_with_retry_after_not_a_500()
    {
        // Regression: the admin surface let a store failure escape, a bare 500.
        Assert.Equal(HttpStatusCode.OK, (await Post("/commands/CreateList", """{"listId":"l","name":"L"}""")).Status);
        await _cluster.StopAsync();

        foreach (var path in new[] { "/admin", "/admin/api/lag", "/admin/api/dead-letters", "/admin/api/pauses", "/admin/tenants/acme" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Tenant", "acme");
            request.Headers.Add("X-Actor", "olga");
            request.Headers.Add("X-Roles", "operator");
            using var response = await _server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {text}");
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"outcome\":\"unavailable\"", text);
            Assert.DoesNotContain("Npgsql", text);
            Assert.DoesNotContain(" at ", text);
        }

        // Regression: /health quoted the driver's message (host and port included) as the check's description and error.
        using (var health = await _server.Http.GetAsync("/health"))
        {
            var text = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.ServiceUnavailable, $"/health: {(int)health.StatusCode} {text}");
            Assert.Equal(TimeSpan.FromSeconds(2), health.Headers.RetryAfter?.Delta);
            Assert.Contains("The event store cannot be reached just now.", text);
            Assert.DoesNotContain("Npgsql", text);
            Assert.DoesNotContain("127.0.0.1", text);
            Assert.DoesNotContain("onnect", text); // "Failed to connect", "Connection refused"
        }

        var query = await Post("/graphql", """{"query":"{ list(input: { listId: \"l\" }) { name } }"}""");
        var error = Assert.Single(query.Body.GetProperty("errors").EnumerateArray());
        Assert.Equal("UNAVAILABLE", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.NotNull(query.RetryAfter);
        Assert.DoesNotContain("Npgsql", query.Body.GetRawText());
    }
}
