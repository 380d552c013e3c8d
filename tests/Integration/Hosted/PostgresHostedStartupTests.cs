using System.Text.Json;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Startup;
using Hybrid.Testing.Postgres;
using Hybrid.Tests.Integration.Conformance;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.Integration.ReadModels;
using Npgsql;
using static Hybrid.Tests.Integration.Hosting.Eventually;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// The hosted library started while its PostgreSQL server is down: it starts anyway, answers 503 with Retry-After
/// (and /health names the store, not the driver), migrates on its own once the server is up, then serves, and its
/// processors catch up. A configuration error is logged saying what to fix, and heals without a restart.
/// </summary>
public sealed class PostgresHostedStartupTests : IAsyncLifetime
{
    private PrivatePostgresCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await PostgresTestServer.StartOwnClusterAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task a_node_started_with_its_server_down_answers_503_then_migrates_serves_subscribes_and_processes_once_the_server_is_up()
    {
        await _cluster.StopAsync();
        var owner = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Timeout = 3 }.ConnectionString;
        await using var server = await LibraryServer.StartOnPostgresAsync(owner);
        var tenant = Tenants.Fresh();

        var command = await server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":9}""", tenant);
        Assert.Null(command.ProblemField(503));
        Assert.False(string.IsNullOrEmpty(command.RetryAfter), command.Text);
        Assert.DoesNotContain("Npgsql", command.Text, StringComparison.Ordinal);
        var query = await server.Post("/queries/shelf", """{"limit":10}""", tenant, "bob", "");
        Assert.Null(query.ProblemField(503));
        Assert.False(string.IsNullOrEmpty(query.RetryAfter), query.Text);
        var health = await server.Get("/health");
        Assert.True(health.Status == 503, health.Text);
        Assert.False(string.IsNullOrEmpty(health.RetryAfter), health.Text);
        Assert.Contains("The event store cannot be reached just now.", health.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", health.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", health.Text, StringComparison.Ordinal);
        // A caller's mistake is still named as such, not a 503, while the store cannot open.
        var mistake = await Assert.ThrowsAsync<InvalidInputException>(() => server.Store.Read(tenant, EventQuery.All.AfterPosition(-1), default));
        Assert.Contains(tenant, mistake.Message, StringComparison.Ordinal);
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var firstEvent = server.Store.Subscribe(tenant, EventQuery.All, patience.Token).OfType<SubscriptionMessage.Event>().FirstAsync(patience.Token);
        await Task.Delay(1000); // several processor rounds and opening attempts against the stopped server
        Assert.False(firstEvent.IsCompleted); // a subscription taken while the store cannot open waits for it, not fails

        await _cluster.RestartAsync();
        // No request asks for the store: the node migrates on its own.
        await Until(async () => await SchemaExistsAsync(owner), "the node migrates the schema by itself");
        Assert.Equal(200, (await server.Post("/commands/AddBook", """{"bookId":"b1","title":"Emma","copies":9}""", tenant)).Status);
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await server.Post("/commands/LendBook", $$"""{"bookId":"b1","reader":"r{{i}}"}""", tenant)).Status);
        await Until(async () => (await Receipts(server, tenant)).Length == 3, "the processor issues a receipt for every loan");
        Assert.Equal("BookAdded", (await firstEvent).Item.Type);
        await Task.Delay(500); // more processor rounds: nothing is issued twice
        var loans = (await server.Store.Read(tenant, EventQuery.OfTypes("BookLent"), default)).Select(e => e.Position);
        Assert.Equal(loans, (await Receipts(server, tenant)).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("loan").GetInt64()));
        await Until(async () => (await server.Get("/health")).Status == 200, "/health reports healthy");
    }

    [Fact]
    public async Task a_missing_database_is_logged_as_an_error_naming_the_database_and_the_fix_and_the_store_opens_once_it_is_created()
    {
        var name = $"created_later_{Guid.NewGuid():N}"[..30];
        var missing = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
        var logs = new WarningLogProvider();
        await using var gate = new PostgresStoreGate(PostgresEventStoreOptions.ForAdmin(missing), logs.CreateLogger("startup"));

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(async () => await gate.Open(default));
        Assert.Contains($"database '{name}'", refused.Message, StringComparison.Ordinal);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var opening = gate.OpenWithRetriesAsync(TimeProvider.System, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), stop.Token);
        await Until(() => Task.FromResult(!logs.Warnings.IsEmpty), "the failure is logged");
        var logged = logs.Warnings.First();
        Assert.Contains($"database '{name}' on 127.0.0.1:{_cluster.Port}", logged, StringComparison.Ordinal);
        Assert.Contains("3D000", logged, StringComparison.Ordinal);
        Assert.Contains("Fix: create the database", logged, StringComparison.Ordinal);
        Assert.False(gate.IsOpen);

        await using (var admin = new NpgsqlConnection(_cluster.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        await opening.WaitAsync(stop.Token);

        Assert.True(gate.IsOpen);
        var store = await gate.Open(default);
        var appended = AppendRequest.Of("t", Propose(Event("Opened")));
        await store.Append(appended, default);
        Assert.Equal(appended.Events[0].Id, Assert.Single(await store.Read("t", EventQuery.All, default)).Id);
    }

    private static async Task<bool> SchemaExistsAsync(string owner)
    {
        try
        {
            await using var connection = new NpgsqlConnection(owner);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT to_regclass('hybrid.events') IS NOT NULL", connection);
            return await command.ExecuteScalarAsync() is true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task<RecordedEvent[]> Receipts(LibraryServer server, string tenant) =>
        await server.Store.Read(tenant, EventQuery.OfTypes("ReceiptIssued"), default);
}
