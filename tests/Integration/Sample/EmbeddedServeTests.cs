using System.Net;
using System.Text.Json;
using Hybrid.Sample.Host;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Hosting.Eventually;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// The sample's `serve` application with no database server: events, checkpoints, leases and dead letters in the
/// embedded store in the data directory's events/ folder, the read-model cache beside it.
/// </summary>
public sealed class EmbeddedServeTests(ITestOutputHelper output) : IDisposable
{
    private const string Tenant = "acme";
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-embedded-serve-");

    public void Dispose() => _temp.Delete(recursive: true);

    private string Data => Path.Combine(_temp.FullName, "data");

    private static string Outcome(JsonElement body) => body.GetProperty("outcome").GetString()!;

    [Fact]
    public async Task serve_without_postgres_runs_commands_queries_and_processors_on_the_embedded_store_and_keeps_them_across_a_restart()
    {
        await using (var server = await RunningSampleServer.StartAsync(null, "embedded", Data, output, RunningSampleServer.QuickLeases))
        {
            Assert.IsType<LmdbEventStore>(Assert.IsType<CryptoShreddingEventStore>(server.Store).Sealed);
            var created = await server.Post("/commands/CreateList", new { listId = "groceries", name = "Groceries" }, Tenant, "ann", "member");
            var added = await server.Post("/commands/AddItem", new { listId = "groceries", text = "Milk" }, Tenant, "ann", "member");
            var invited = await server.Post("/commands/InviteCustomer", new { customerId = "c-1", email = "zoe@example.com" }, Tenant, "ann", "member,admin");
            Assert.Equal(["accepted", "accepted", "accepted"], new[] { created, added, invited }.Select(r => Outcome(r.Body)));
            await Until(() => Task.FromResult(!server.Effects.IsEmpty), "the invite email is sent by a processor");
            var lists = await server.Post("/queries/lists", new { limit = 10 }, Tenant, "ann", "member");
            Assert.Equal("Milk", Assert.Single(Assert.Single(lists.Body.GetProperty("value").EnumerateArray()).GetProperty("items").EnumerateArray())
                .GetProperty("text").GetString());
        }
        Assert.True(File.Exists(Path.Combine(Data, "events", "data.mdb")), "the events are in DATA/events");
        Assert.True(File.Exists(Path.Combine(Data, "data.mdb")), "the read-model cache is in DATA");

        await using var restarted = await RunningSampleServer.StartAsync(null, "embedded", Data, output, RunningSampleServer.QuickLeases);
        var events = await restarted.Store.Read(Tenant, EventQuery.All, default);
        Assert.Equal(["ListCreated", "ItemAdded", "CustomerInvited"], events.Select(e => e.Type).Take(3));
        var again = await restarted.Post("/queries/lists", new { limit = 10 }, Tenant, "ann", "member");
        Assert.Equal((HttpStatusCode.OK, "answered"), (again.Status, Outcome(again.Body)));
        Assert.Equal("Groceries", Assert.Single(again.Body.GetProperty("value").EnumerateArray()).GetProperty("name").GetString());
        var checkpoints = await restarted.Store.ReadCheckpoint(Tenant, "invite-emails", default);
        Assert.True(checkpoints.Position >= 3, "the processor's checkpoint survived the restart");

        // The invite's email is sealed in the file (its key survived the restart), its tag is a keyed hash, and
        // forgetting the customer redacts it for good.
        Assert.Equal("zoe@example.com", JsonDocument.Parse(events[2].Body).RootElement.GetProperty("email").GetString());
        var stored = (await ((CryptoShreddingEventStore)restarted.Store).Sealed.Read(Tenant, EventQuery.OfTypes("CustomerInvited"), default)).Single();
        Assert.DoesNotContain("zoe", stored.Body + string.Join(" ", stored.Tags));
        Assert.Contains(stored.Tags, t => t.StartsWith("email:", StringComparison.Ordinal));
        var ops = restarted.Web.Services.GetRequiredService<HybridOperations>();
        await ops.ForgetSubject(Tenant, "c-1", "erasure request", default);
        var forgotten = (await restarted.Store.Read(Tenant, EventQuery.OfTypes("CustomerInvited"), default)).Single();
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(forgotten.Body).RootElement.GetProperty("email").ValueKind);
        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => ops.ForgetSubject(Tenant, "c-1", "again", default));
        Assert.Equal(OperationRefusal.UnknownSubject, refused.Refusal);
    }

    [Fact]
    public async Task serve_starts_over_a_read_model_cache_whose_pages_are_random_bytes_warning_and_rebuilding_instead_of_dying_with_sigbus()
    {
        // The recipe that made serve die at start (SIGSEGV/SIGBUS while its cache was opened): 200 entries, then 8
        // bursts of 32 random bytes over the data pages.
        Directory.CreateDirectory(Data);
        using (var cache = new LmdbReadModelStore(Data))
            for (var i = 0; i < 200; i++)
                cache.Write(new ReadModelKey("t", "m", 1, $"s{i}"), i, new PieceWrite(-1, true, [new StoredPiece("p", new byte[i * 50])], []));
        var file = Path.Combine(Data, "data.mdb");
        var bytes = File.ReadAllBytes(file);
        var random = new Random(8);
        for (var burst = 0; burst < 8; burst++)
        {
            var at = random.Next(8192, bytes.Length - 64);
            for (var j = 0; j < 32; j++) bytes[at + j] = (byte)random.Next(256);
        }
        File.WriteAllBytes(file, bytes);

        using var serve = ServeProcess.Start("serve", "--data", Data, "--urls", "http://127.0.0.1:0", "--node-id", "damaged-cache");
        await Until(() => Task.FromResult(serve.Output.Any(l => l.Contains("Now listening on")) || serve.Errors.Any()), "serve listens");
        serve.Terminate();
        Assert.Equal(0, await serve.ExitCode());
        Assert.Contains(serve.Output, l => l.Contains($"The read-model cache file {file} is damaged") && l.Contains("rebuilt from the log"));
        Assert.Single(Directory.GetFiles(Data, "data.mdb.damaged-*"));
        Assert.Empty(serve.Errors);
    }

    [Fact]
    public async Task serve_on_a_damaged_event_store_stops_with_one_line_naming_the_file_and_the_first_bad_key()
    {
        await using (var server = await RunningSampleServer.StartAsync(null, "embedded", Data, output))
            await server.Post("/commands/CreateList", new { listId = "groceries", name = "Groceries" }, Tenant, "ann", "member");
        var file = Path.Combine(Data, "events", "data.mdb");
        var bytes = File.ReadAllBytes(file);
        for (var at = bytes.AsSpan().IndexOf("Groceries"u8); at >= 0; at = bytes.AsSpan(at + 1).IndexOf("Groceries"u8) is var next and >= 0 ? at + 1 + next : -1)
            bytes[at] ^= 0x20;
        File.WriteAllBytes(file, bytes);

        using var serve = ServeProcess.Start("serve", "--data", Data, "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, await serve.ExitCode());
        var error = Assert.Single(serve.Errors);
        Assert.Equal($"hybrid-sample serve: The event store file '{file}' is damaged: a record fails its checksum (first bad key: tenant 'acme', position 1 in 'events'). " +
            "Restore it from a backup; 'verify' checks a store offline.", error);

        using var verify = ServeProcess.Start("verify", "--data", Data);
        Assert.Equal(1, await verify.ExitCode());
        Assert.Contains("first bad key: tenant 'acme', position 1 in 'events'", Assert.Single(verify.Errors));
    }

    [Fact]
    public async Task backup_copies_a_running_store_and_serve_on_the_copy_answers_with_every_event()
    {
        var copy = Path.Combine(_temp.FullName, "copy");
        RecordedEvent[] written;
        await using (var server = await RunningSampleServer.StartAsync(null, "embedded", Data, output))
        {
            for (var i = 0; i < 5; i++)
                await server.Post("/commands/CreateList", new { listId = $"list-{i}", name = $"List {i}" }, Tenant, "ann", "member");
            using var backup = ServeProcess.Start("backup", "--data", Data, "--to", copy);
            Assert.Equal(0, await backup.ExitCode());
            Assert.Contains("5 events of 1 tenants copied", Assert.Single(backup.Output));
            written = await server.Store.Read(Tenant, EventQuery.All, default);
        }
        using (var verify = ServeProcess.Start("verify", "--data", copy))
        {
            Assert.Equal(0, await verify.ExitCode());
            Assert.Contains("sound: 5 events of 1 tenants", Assert.Single(verify.Output));
        }
        await using var restored = await RunningSampleServer.StartAsync(null, "restored", copy, output);
        Assert.Equal(written.Select(e => (e.Id, e.Position, e.Body)), (await restored.Store.Read(Tenant, EventQuery.All, default)).Select(e => (e.Id, e.Position, e.Body)));
        var lists = await restored.Post("/queries/lists", new { limit = 10 }, Tenant, "ann", "member");
        Assert.Equal(5, lists.Body.GetProperty("value").GetArrayLength());
        Assert.NotNull(restored.Web.Services.GetRequiredService<LmdbEventStore>());
    }

    [Theory]
    [InlineData(true)]  // the command line's cancellation (System.CommandLine on SIGTERM)
    [InlineData(false)] // the host's console lifetime on SIGTERM: it stops the application while it starts
    public async Task a_stop_asked_for_while_serve_is_starting_stops_what_had_started_instead_of_failing_with_the_cancellation(bool byToken)
    {
        using var stopping = new CancellationTokenSource();
        var started = new StopAskedWhileStarting(byToken ? stopping : null);
        await using var web = await SampleServer.BuildAsync(new SampleServerOptions
        {
            Urls = "http://127.0.0.1:0",
            DataDirectory = Data,
            NodeId = "starting",
            Logging = logging => logging.AddProvider(new Hosting.TestOutputLoggerProvider(output, "starting")),
            // After Hybrid's own hosted service: the processors have started when the stop comes.
            Tune = hybrid => hybrid.Services.AddHostedService(sp => started.With(sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>())),
        });

        // Before, the cancellation escaped serve as an unhandled exception: a stack trace and exit code 134 (SIGABRT).
        Assert.False(await SampleServer.TryStartAsync(web, stopping.Token));

        Assert.True(started.Stopped, "what had started was left running instead of being stopped as a graceful stop does");
    }

    /// <summary>A hosted service during whose start the operator asks the process to stop (SIGTERM).</summary>
    private sealed class StopAskedWhileStarting(CancellationTokenSource? stopping) : Microsoft.Extensions.Hosting.IHostedService
    {
        private Microsoft.Extensions.Hosting.IHostApplicationLifetime? _lifetime;

        public bool Stopped { get; private set; }

        public StopAskedWhileStarting With(Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime)
        {
            _lifetime = lifetime;
            return this;
        }

        public Task StartAsync(CancellationToken ct)
        {
            if (stopping is not null) stopping.Cancel();
            else _lifetime!.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct)
        {
            Stopped = true;
            return Task.CompletedTask;
        }
    }
}
