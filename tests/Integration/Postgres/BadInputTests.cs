using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Input PostgreSQL would choke on is rejected before it is queued, so it never fails a group commit.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    public async Task InitializeAsync() =>
        _store = await CreateAsync(o => o with { Limits = new InputLimits(1024, InputLimits.Default.MaxTags, InputLimits.Default.MaxEventsPerAppend) });

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task Rejects(string field, EventData bad)
    {
        var good = AppendRequest.Of(_tenant, Propose(Event("Good")));
        var appends = new[] { _store.Append(good, default) };
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _store.Append(AppendRequest.Of(_tenant, Propose(Event("Fine"), bad)), default));
        Assert.Equal(field, error.Field);
        Assert.Contains(_tenant, error.Message);
        await Task.WhenAll(appends);
        Assert.Equal(["Good"], (await _store.Read(_tenant, EventQuery.All, default)).Select(e => e.Type));
    }

    [Fact]
    public Task a_body_over_the_configured_limit_is_rejected() =>
        Rejects("events[1].Body", new EventData("Big", [], null!, $"\"{new string('x', 1100)}\"", 1));

    [Fact]
    public Task a_body_holding_a_nul_escape_is_rejected() =>
        Rejects("events[1].Body", new EventData("Nul", [], null!, """{"a":"x\u0000y"}""", 1));

    [Fact]
    public Task a_type_holding_a_nul_character_is_rejected() =>
        Rejects("events[1].Type", new EventData("Bad\0Type", [], null!, "{}", 1));

    [Fact]
    public Task a_tag_holding_a_nul_character_is_rejected() =>
        Rejects("events[1].Tags[0]", new EventData("Tagged", ["k:\0"], null!, "{}", 1));

    [Fact]
    public async Task a_body_just_under_the_limit_is_stored_and_read_back_as_appended()
    {
        var body = $$"""{"text":"{{new string('y', 900)}}","n":1}""";
        await _store.Append(AppendRequest.Of(_tenant, Propose(new EventData("Fits", [], null!, body, 1))), default);
        var read = Assert.Single(await _store.Read(_tenant, EventQuery.All, default));
        Assert.Equal(body, read.Body);
    }
}
