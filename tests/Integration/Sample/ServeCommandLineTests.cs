using System.Net;
using System.Net.Sockets;
using System.Text;
using Hybrid.Sample.Host;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>`hybrid-sample serve` as an operator runs it: a process of its own, its options, its errors, SIGTERM.</summary>
public sealed class ServeCommandLineTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-serve-cli-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Fact]
    public async Task serve_listens_on_the_given_urls_with_its_node_id_and_lmdb_directory_and_stops_gracefully_on_sigterm()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_serve_cli");
        var data = Path.Combine(_temp.FullName, "cache");
        using var serve = ServeProcess.Start("serve", "--postgres", database, "--urls", "http://127.0.0.1:0", "--node-id", "cli-node", "--data", data);
        var url = await serve.Url();

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/commands/CreateList")
        {
            Content = new StringContent("""{"listId":"groceries","name":"Groceries"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Tenant", "acme");
        request.Headers.Add("X-Actor", "ann");
        request.Headers.Add("X-Roles", "member");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"outcome\":\"accepted\"", await response.Content.ReadAsStringAsync());

        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
        Assert.Contains(serve.Output, l => l.Contains("Hybrid started on node cli-node."));
        Assert.Contains(serve.Output, l => l.Contains("Hybrid stopped on node cli-node."));
        Assert.Contains(serve.Output, l => l.Contains($"Read-model cache (LMDB): {data}"));
        Assert.True(File.Exists(Path.Combine(data, "data.mdb")), $"no LMDB data file in {data}");
    }

    [Fact]
    public async Task serve_against_an_unreachable_server_starts_answers_503_on_health_logs_the_server_and_stops_gracefully()
    {
        var port = ClosedPort();
        using var serve = ServeProcess.Start("serve", "--postgres", $"Host=127.0.0.1;Port={port};Username=postgres;Database=shop;Timeout=2",
            "--urls", "http://127.0.0.1:0", "--node-id", "down-node", "--data", Path.Combine(_temp.FullName, "cache"));
        var url = await serve.Url();

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(1) };
        using var health = await http.GetAsync("/health");
        var text = await health.Content.ReadAsStringAsync();
        Assert.True(health.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.NotNull(health.Headers.RetryAfter);
        Assert.Contains("The event store cannot be reached just now.", text);
        await Hosting.Eventually.Until(() => Task.FromResult(serve.Output.Any(l => l.Contains($"database 'shop' on 127.0.0.1:{port}") && l.Contains("retries in"))),
            "serve logs which database it cannot reach");

        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
        Assert.DoesNotContain(serve.Output, l => l.Contains("   at "));
    }

    [Fact]
    public async Task serve_on_a_taken_port_exits_with_one_line_naming_the_urls_before_starting_anything()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_serve_port");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var urls = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        using var serve = ServeProcess.Start("serve", "--postgres", database, "--urls", urls, "--node-id", "port-node", "--data",
            Path.Combine(_temp.FullName, "cache"));

        Assert.Equal(1, await serve.ExitCode());
        Assert.StartsWith($"hybrid-sample serve: --urls: cannot listen on {urls}: ", Assert.Single(serve.Errors));
        Assert.Empty(serve.Output);
    }

    [Theory]
    [InlineData("notaurl")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://")]
    public async Task serve_with_a_bad_url_exits_with_one_line_naming_the_option(string urls)
    {
        using var serve = ServeProcess.Start("serve", "--postgres", "Host=127.0.0.1;Username=postgres", "--urls", urls);

        Assert.Equal(2, await serve.ExitCode());
        Assert.Equal($"hybrid-sample serve: --urls: '{urls}' is not a list of http:// or https:// URLs separated by ';' (such as http://127.0.0.1:5080).",
            Assert.Single(serve.Errors));
        Assert.Empty(serve.Output);
    }

    [Fact]
    public async Task serve_prints_its_endpoints_for_a_node_id_with_square_brackets_instead_of_failing_on_them_as_markup_after_it_listens()
    {
        // Spectre reads [..] as markup: a node id or an IPv6 URL such as http://[::1]:5080 made serve exit 1 once listening.
        using var serve = ServeProcess.Start("serve", "--data", Path.Combine(_temp.FullName, "data"), "--urls", "http://127.0.0.1:0", "--node-id", "node[a]");
        var url = await serve.Url();
        await Hosting.Eventually.Until(() => Task.FromResult(serve.Output.Any(l => l.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal)) || !serve.Errors.IsEmpty),
            "serve prints its endpoints");

        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
        Assert.Empty(serve.Errors);
        Assert.Contains(serve.Output, l => l.Contains("hybrid-sample on the embedded store, node node[a]", StringComparison.Ordinal));
        Assert.Contains(serve.Output, l => l.Contains($"POST {url}/commands/{{name}}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")] // base64 of 3 bytes
    public async Task serve_with_a_master_key_variable_that_is_not_a_key_exits_with_one_line_naming_the_variable_and_not_its_value(string key)
    {
        using var serve = ServeProcess.StartWith(new Dictionary<string, string> { [SampleHybrid.MasterKeyVariable] = key },
            "serve", "--data", Path.Combine(_temp.FullName, "data"), "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, await serve.ExitCode());
        var error = Assert.Single(serve.Errors);
        Assert.Equal("hybrid-sample serve: HYBRID_SAMPLE_MASTER_KEY is not a master key: it must be 32 bytes (256 bits) in base64, " +
                     "such as the output of `head -c 32 /dev/urandom | base64`.", error);
        Assert.DoesNotContain(serve.Output, l => l.Contains("Now listening", StringComparison.Ordinal));
    }
}
