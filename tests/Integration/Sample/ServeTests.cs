using System.Net;
using System.Text.Json;
using Hybrid.Sample;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Processors;
using Hybrid.Shell.ReadModels;
using Hybrid.Tests.Integration.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// The sample's `serve` application in-process on a real PostgreSQL database and a real LMDB cache, driven over HTTP
/// the way a client would: commands, queries, the invite email, refusals, health and a graceful stop.
/// </summary>
public sealed class ServeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Tenant = "acme";
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-serve-");
    private string _database = "";
    private RunningSampleServer _server = null!;

    private string LmdbDirectory => Path.Combine(_temp.FullName, "lmdb");

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("hybrid_serve");
        _server = await RunningSampleServer.StartAsync(_database, "serve-test", LmdbDirectory, output, RunningSampleServer.QuickLeases);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _temp.Delete(recursive: true);
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> AsAnn(string path, object body) => _server.Post(path, body, Tenant, "ann", "member,admin");

    private Task<long> Head() => _server.Store.GetHead(Tenant, default);

    private static string Outcome(JsonElement body) => body.GetProperty("outcome").GetString()!;

    [Fact]
    public async Task commands_over_http_are_written_to_postgres_and_a_query_answers_from_the_read_model_cached_in_lmdb()
    {
        var created = await AsAnn("/commands/CreateList", new { listId = "groceries", name = "Groceries" });
        var added = await AsAnn("/commands/AddItem", new { listId = "groceries", text = "Milk" });

        Assert.Equal((HttpStatusCode.OK, "accepted"), (created.Status, Outcome(created.Body)));
        Assert.Equal((HttpStatusCode.OK, "accepted"), (added.Status, Outcome(added.Body)));
        var events = await _server.Store.Read(Tenant, EventQuery.All, default);
        Assert.Equal(["ListCreated", "ItemAdded"], events.Select(e => e.Type));

        var lists = await AsAnn("/queries/lists", new { limit = 10 });
        Assert.Equal((HttpStatusCode.OK, "answered"), (lists.Status, Outcome(lists.Body)));
        var list = Assert.Single(lists.Body.GetProperty("value").EnumerateArray());
        Assert.Equal("Groceries", list.GetProperty("name").GetString());
        Assert.Equal("ann", list.GetProperty("owner").GetString());
        Assert.Equal("Milk", Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());

        Assert.True(File.Exists(Path.Combine(LmdbDirectory, "data.mdb")), $"no LMDB data file in {LmdbDirectory}");
        var lmdb = _server.Web.Services.GetRequiredService<LmdbReadModelStore>();
        await Until(() => Task.FromResult(lmdb.BytesWritten > 0), "the folded read model is written back to LMDB");
    }

    [Fact]
    public async Task an_invite_is_emailed_by_the_processor_and_a_second_invite_of_the_email_is_rejected_naming_it_and_writes_nothing()
    {
        var invited = await AsAnn("/commands/InviteCustomer", new { customerId = "c-1", email = "zoe@example.com" });
        Assert.Equal((HttpStatusCode.OK, "accepted"), (invited.Status, Outcome(invited.Body)));
        await Until(() => Task.FromResult(!_server.Effects.IsEmpty), "the invite email is sent");
        var head = await Head();

        var again = await AsAnn("/commands/InviteCustomer", new { customerId = "c-2", email = "  ZOE@Example.com " });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, "rejected"), (again.Status, Outcome(again.Body)));
        Assert.Equal("'zoe@example.com' was already invited (customer c-1, by ann).", again.Body.GetProperty("reason").GetString());
        // The rejected command wrote nothing; the invite-reminder process manager may still be scheduling its
        // deadlines for the first invite, so only the command's own events are looked for.
        var written = await _server.Store.Read(Tenant, EventQuery.All, default);
        Assert.DoesNotContain(written, e => e.Position > head && e.Type == "CustomerInvited");
        var customers = await AsAnn("/queries/customers", new { limit = 10 });
        Assert.Equal("c-1", Assert.Single(customers.Body.GetProperty("value").EnumerateArray()).GetProperty("customerId").GetString());
        var email = Assert.Single(_server.Effects);
        Assert.Equal((Tenant, global::Hybrid.Sample.Processors.InviteEmails, Effects.SendEmail), (email.Tenant, email.Processor, email.Intent.Kind));
        Assert.Equal("zoe@example.com", Assert.IsType<Emails.Email>(email.Intent.Payload).To);
    }

    [Fact]
    public async Task a_call_without_a_tenant_is_invalid_and_callers_without_the_role_are_denied_and_nothing_is_written()
    {
        var noTenant = await _server.Post("/commands/CreateList", new { listId = "l", name = "L" }, tenant: null, "ann", "member");
        var anonymous = await _server.Post("/commands/CreateList", new { listId = "l", name = "L" }, Tenant);
        var viewer = await _server.Post("/commands/InviteCustomer", new { customerId = "c-1", email = "zoe@example.com" }, Tenant, "dan", "viewer");
        var member = await _server.Post("/queries/invoices", new { limit = 10 }, Tenant, "mia", "member");

        Assert.Equal((HttpStatusCode.BadRequest, "X-Tenant"), (noTenant.Status, noTenant.Body.GetProperty("field").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "An anonymous caller may not edit todo lists in tenant 'acme'."),
            (anonymous.Status, anonymous.Body.GetProperty("reason").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "'dan' may not invite customers in tenant 'acme'."),
            (viewer.Status, viewer.Body.GetProperty("reason").GetString()));
        Assert.Equal((HttpStatusCode.Forbidden, "'mia' may not read invoices in tenant 'acme'."),
            (member.Status, member.Body.GetProperty("reason").GetString()));
        Assert.Equal(0, await Head());
        Assert.Empty(_server.Effects);
    }

    [Fact]
    public async Task health_reports_the_node_and_its_leases_while_serving_and_a_graceful_stop_releases_the_leases()
    {
        await AsAnn("/commands/CreateList", new { listId = "groceries", name = "Groceries" });
        var processors = _server.Web.Services.GetRequiredService<TodoProcessorHost>();
        await Until(() => Task.FromResult(processors.HeldResources.Count == Definitions.hostedProcessors.Length),
            "the node holds every processor's lease for the tenant");

        using var response = await _server.Http.GetAsync("/health");
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (response.StatusCode, health.GetProperty("status").GetString()));
        var data = health.GetProperty("checks").GetProperty("hybrid").GetProperty("data");
        Assert.Equal(("serve-test", Definitions.hostedProcessors.Length), (data.GetProperty("node").GetString(), data.GetProperty("leases").GetInt32()));

        var leases = _server.Web.Services.GetRequiredService<ILeaseStore>();
        Assert.Equal(Definitions.hostedProcessors.Length, (await leases.List("processor/", default)).Count(l => l.Owner == "serve-test"));
        await _server.StopAsync();

        Assert.DoesNotContain(await leases.List("processor/", default), l => l.Owner == "serve-test");
        Assert.False(processors.IsRunning);
    }

    [Fact]
    public async Task introspection_describes_the_read_models_processors_and_billing_task_the_hosting_layer_runs()
    {
        var body = JsonDocument.Parse(await _server.Http.GetStringAsync("/introspection")).RootElement;

        string[] Names(string kind) => body.GetProperty(kind).EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(Definitions.readModels.Select(m => m.Name), Names("readModels"));
        Assert.Equal(Definitions.hostedProcessors.Select(p => p.Name), Names("processors"));
        Assert.Equal([Billing.TaskName, Retention.TaskName], Names("periodicTasks"));
        Assert.Contains("InviteCustomer", Names("commands"));
        var customers = body.GetProperty("readModels").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "customers");
        Assert.Equal(["CustomerInvited"], customers.GetProperty("facts").GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task a_second_server_on_the_same_data_directory_is_refused_naming_the_directory()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync("hybrid_serve_lock");

        var error = await Assert.ThrowsAsync<IOException>(() =>
            RunningSampleServer.StartAsync(database, "serve-second", LmdbDirectory, output));

        Assert.Equal($"--data: the directory '{LmdbDirectory}' is in use by another serve process; give each node its own --data.", error.Message);
    }

    [Fact]
    public void a_data_directory_that_cannot_be_created_is_refused_for_what_it_is_not_as_in_use()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<IOException>(() => Hybrid.Sample.Host.DataDirectoryLock.Acquire(Path.Combine(file, "data")));
            Assert.StartsWith($"--data: the directory '{Path.Combine(file, "data")}' cannot be used: ", error.Message);
            Assert.DoesNotContain("in use", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task a_restarted_server_answers_from_its_lmdb_cache_without_folding_the_log_again()
    {
        await AsAnn("/commands/CreateList", new { listId = "groceries", name = "Groceries" });
        await AsAnn("/commands/AddItem", new { listId = "groceries", text = "Milk" });
        var before = await AsAnn("/queries/lists", new { limit = 10 });
        await _server.DisposeAsync(); // stops gracefully (writing the cache back), then closes LMDB and the directory lock

        _server = await RunningSampleServer.StartAsync(_database, "serve-test-2", LmdbDirectory, output);
        var after = await AsAnn("/queries/lists", new { limit = 10 });

        Assert.Equal(before.Body.GetProperty("value").GetRawText(), after.Body.GetProperty("value").GetRawText());
        var statistics = _server.Web.Services.GetRequiredService<ReadModelEngine>().Statistics;
        Assert.Equal((1, 0), (statistics.L2Hits, statistics.EventsFolded));
    }
}
