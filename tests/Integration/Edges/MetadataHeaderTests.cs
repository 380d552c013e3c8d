namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// X-Metadata-{name} headers are checked before the command runs, by the core's metadata rule, whatever the command
/// writes: no name after the prefix, a bad name, a value too long or a header given twice is a 400 problem naming the
/// header as sent, and nothing is written.
/// </summary>
public sealed class MetadataHeaderTests : IAsyncLifetime
{
    private EdgeServer _server = null!;

    public async Task InitializeAsync() => _server = await EdgeServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("Increment", "X-Metadata-", "x", "names no metadata field")]
    [InlineData("Noop", "X-Metadata-", "x", "names no metadata field")]
    [InlineData("Increment", "X-Metadata-foo!", "x", "unknown format")]
    [InlineData("Noop", "X-Metadata-foo!", "x", "unknown format")]
    [InlineData("Increment", "X-Metadata-client", "a, b", null)]
    public async Task a_bad_metadata_header_is_a_400_problem_naming_it_whether_or_not_the_command_writes(string command, string header, string value, string? says)
    {
        var (status, body, response) = await _server.Post($"/commands/{command}", command == "Noop" ? """{"text":"hello"}""" : """{"counterId":"c","by":1}""",
            r => r.Headers.TryAddWithoutValidation(header, value));
        if (says is null)
        {
            Assert.Equal(200, status); // a comma in a metadata value is text, not a list
            return;
        }
        Assert.Equal(400, status);
        Assert.Equal(header, EdgeServer.ProblemField(400, body, response));
        Assert.Contains(says, body.GetProperty("detail").GetString());
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_metadata_value_too_long_is_a_400_problem_naming_the_header()
    {
        var (status, body, response) = await _server.Post("/commands/Increment", """{"counterId":"c","by":1}""",
            r => r.Headers.TryAddWithoutValidation("X-Metadata-Client", new string('a', 300)));
        Assert.Equal(400, status);
        Assert.Equal("X-Metadata-Client", EdgeServer.ProblemField(400, body, response));
        Assert.Contains("longer than 256", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task a_metadata_header_sent_twice_is_a_400_problem_naming_it()
    {
        var (status, _, body) = await RawHttp.Send(_server.Http.BaseAddress!, "POST", "/commands/Increment", """{"counterId":"c","by":1}""",
            $"X-Tenant: {_server.Tenant}", "X-Actor: alice", "X-Metadata-client: web", "X-Metadata-client: mobile");
        Assert.Equal(400, status);
        Assert.Contains("\"field\":\"X-Metadata-client\"", body);
        Assert.Equal(0, await _server.Store.GetHead(_server.Tenant, CancellationToken.None));
    }

    [Fact]
    public async Task a_good_metadata_header_is_stored_with_the_event_under_its_lower_case_name()
    {
        var (status, body, _) = await _server.Post("/commands/Increment", """{"counterId":"c","by":1}""",
            r => r.Headers.TryAddWithoutValidation("X-Metadata-Client", "web"));
        Assert.Equal(200, status);
        var e = Assert.Single(body.GetProperty("events").EnumerateArray());
        Assert.Equal("web", e.GetProperty("metadata").GetProperty("fields").GetProperty("client").GetString());
    }
}
