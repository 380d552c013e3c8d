using Hybrid.Sample;
using Hybrid.Sample.Host;
using Hybrid.Shell.Lmdb.EventStore;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>`hybrid-sample ops` on an embedded store, output redirected (plain lines): results, refusals in one line with exit 2.</summary>
public sealed class OpsCommandLineTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hybrid-ops-cli-");

    public void Dispose() => _data.Delete(recursive: true);

    private static Task<(int Code, string[] Output, string[] Errors)> Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    private static async Task<(int Code, string[] Output, string[] Errors)> RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = ServeProcess.StartWith(environment, args);
        var code = await process.ExitCode();
        return (code, process.Output.ToArray(), process.Errors.ToArray());
    }

    private async Task Seed()
    {
        using var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(_data.FullName) });
        var appended = await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(),
            EventData.Create("ListCreated", "{\"listId\":\"l1\",\"name\":\"L\"}", "list-l1"), EventMetadata.Empty)), default);
        var e = ((AppendResult.Appended)appended).Item[0];
        await new LmdbDeadLetterStore(store).Put(new DeadLetter("acme", "points", e.Position, e.Id, e.Type, "Boom: planted", 3,
            DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), default);
    }

    [Fact]
    public async Task ops_lists_discards_and_verifies_an_embedded_store_and_refuses_a_settled_dead_letter_in_one_line()
    {
        await Seed();
        var data = _data.FullName;

        var listed = await Run("ops", "dead-letters", "--data", data);
        Assert.Equal(0, listed.Code);
        Assert.StartsWith("acme\tpoints\t1\tListCreated\tPending", Assert.Single(listed.Output.Skip(1)));

        var discarded = await Run("ops", "discard", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "1");
        Assert.Equal((0, "acme points 1: discarded"), (discarded.Code, Assert.Single(discarded.Output)));
        Assert.Single((await Run("ops", "dead-letters", "--data", data)).Output); // the header only: nothing pending

        var again = await Run("ops", "retry", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "1");
        Assert.Equal(2, again.Code);
        Assert.Equal("hybrid-sample ops: Tenant 'acme': the dead letter of processor 'points' at position 1 was already discarded; it cannot be retried.",
            Assert.Single(again.Errors));

        var wrongTenant = await Run("ops", "pause", "--data", data, "--tenant", "globex", "--processor", "points");
        Assert.Equal(2, wrongTenant.Code);
        Assert.Contains("'globex'", Assert.Single(wrongTenant.Errors));

        var verified = await Run("ops", "verify", "--data", data);
        Assert.Equal(0, verified.Code);
        Assert.Equal(["verify acme: 1/1", "verify: sound: 1 tenants, 1 events"], verified.Output);
    }

    [Fact]
    public async Task ops_on_unknown_ids_and_processors_print_one_line_exit_2_and_change_nothing()
    {
        await Seed();
        var data = _data.FullName;
        var cases = new (string[] Args, string Says)[]
        {
            (["ops", "show", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "99"], "no dead letter at position 99"),
            (["ops", "retry", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "99"], "no dead letter at position 99"),
            (["ops", "discard", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "99"], "no dead letter at position 99"),
            (["ops", "retry", "--data", data, "--tenant", "globex", "--processor", "points", "--position", "1"], "No tenant is named 'globex'"),
            (["ops", "discard", "--data", data, "--tenant", "acme", "--processor", "nobody", "--position", "1"], "No processor is named 'nobody'"),
            (["ops", "replay", "--data", data, "--tenant", "globex", "--processor", "points", "--from", "0"], "'globex'"),
            (["ops", "rebuild", "--data", data, "--tenant", "acme", "--model", "nothing-like-it"], "'nothing-like-it'"),
            (["ops", "retention", "--data", data, "--tenant", "globex", "--dry-run"], "No tenant is named 'globex'"),
        };
        foreach (var (args, says) in cases)
        {
            var (code, _, errors) = await Run(args);
            Assert.Equal(2, code);
            Assert.Contains(says, Assert.Single(errors));
            Assert.StartsWith("hybrid-sample ops: ", errors[0]);
        }
        var listed = await Run("ops", "dead-letters", "--data", data);
        Assert.StartsWith("acme\tpoints\t1\tListCreated\tPending", Assert.Single(listed.Output.Skip(1)));
    }

    [Fact]
    public async Task ops_retention_dry_run_shows_what_would_be_purged_and_changes_nothing_then_ops_retention_purges_it()
    {
        var events = SampleDataDirectory.EventStore(_data.FullName);
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = events, Clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-100)) }))
            await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(),
                EventData.Tagged(Triggers.TriggeredType, "{}", Triggers.taskTag("billing")), EventMetadata.Empty)), default);
        var data = _data.FullName;

        var dry = await Run("ops", "retention", "--data", data, "--dry-run");

        Assert.Equal(0, dry.Code);
        Assert.Equal("tenant\tevent type\tevents\tpositions\toldest", dry.Output[0]);
        Assert.StartsWith($"acme\t{Triggers.TriggeredType}\t1\t1-1\t", dry.Output[1]);
        Assert.Equal($"retention ({Triggers.TriggeredType} older than 90 days): 1 event(s) would be purged (dry run: nothing changed)", dry.Output[2]);
        using (var store = LmdbEventStore.Open(events))
            Assert.Equal([Triggers.TriggeredType], (await store.Read("acme", EventQuery.All, default)).Select(e => e.Type));

        var run = await Run("ops", "retention", "--data", data);

        Assert.Equal(0, run.Code);
        Assert.Equal(["retention: 1/1", "tenant\tevent type\tevents\tpositions\toldest"], run.Output[..2]);
        Assert.EndsWith("1 event(s) purged", run.Output[^1]);
        using (var store = LmdbEventStore.Open(events))
            Assert.Equal([Purging.PurgedType, Purging.AuditType], (await store.Read("acme", EventQuery.All, default)).Select(e => e.Type));
    }

    [Fact]
    public async Task on_a_terminal_long_ops_draw_a_spectre_progress_bar_and_redirected_they_print_plain_lines()
    {
        await Seed();
        var dll = Path.Combine(AppContext.BaseDirectory, "hybrid-sample.dll");
        // util-linux `script` gives the command a pseudo-terminal, as an operator's shell would.
        var start = new System.Diagnostics.ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-qec", $"dotnet '{dll}' ops verify --data '{_data.FullName}'", "/dev/null" }) start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";
        using var terminal = System.Diagnostics.Process.Start(start)!;
        var drawn = await terminal.StandardOutput.ReadToEndAsync();
        await terminal.WaitForExitAsync();

        Assert.Equal(0, terminal.ExitCode);
        Assert.Contains("\u001b[", drawn);           // ANSI: the bar is drawn and redrawn in place
        Assert.Contains("100%", drawn);
        Assert.Contains("━", drawn);
        var redirected = await Run("ops", "verify", "--data", _data.FullName);
        Assert.DoesNotContain(redirected.Output, l => l.Contains('\u001b') || l.Contains('━'));
        Assert.Equal("verify acme: 1/1", redirected.Output[0]);
    }

    [Fact]
    public async Task ops_pauses_resumes_and_shows_lag_on_postgres()
    {
        var database = await Postgres.PostgresTestServer.CreateDatabaseAsync("hybrid_ops_cli");

        var paused = await Run("ops", "pause", "--postgres", database, "--processor", "points");
        Assert.Equal((0, "points for every tenant: paused"), (paused.Code, Assert.Single(paused.Output)));
        var resumed = await Run("ops", "resume", "--postgres", database, "--processor", "points");
        Assert.Equal((0, "points for every tenant: resumed"), (resumed.Code, Assert.Single(resumed.Output)));
        var lag = await Run("ops", "lag", "--postgres", database);
        Assert.Equal((0, "processor\ttenant\thead\tcheckpoint\tlag\tpaused\tlease"), (lag.Code, Assert.Single(lag.Output)));
    }

    [Fact]
    public async Task ops_retries_a_dead_letter_of_the_broker_producer_by_publishing_the_event_again_when_given_the_broker()
    {
        using var nats = await Hybrid.Testing.Nats.PrivateNatsServer.StartAsync();
        var data = _data.FullName;
        Guid eventId;
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(data) }))
        {
            var appended = await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(),
                EventData.Create("ListCreated", "{\"listId\":\"l1\",\"name\":\"L\"}", "list-l1"), EventMetadata.Empty)), default);
            var e = ((AppendResult.Appended)appended).Item[0];
            eventId = e.Id;
            await new LmdbDeadLetterStore(store).Put(new DeadLetter("acme", "broker-events", e.Position, e.Id, e.Type,
                "The broker refused the message: planted", 3, DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), default);
        }

        var listed = await Run("ops", "dead-letters", "--data", data, "--nats", nats.Url, "--processor", "broker-events");
        Assert.Equal(0, listed.Code);
        Assert.StartsWith("acme\tbroker-events\t1\tListCreated\tPending", Assert.Single(listed.Output.Skip(1)));
        var retried = await Run("ops", "retry", "--data", data, "--nats", nats.Url, "--tenant", "acme", "--processor", "broker-events", "--position", "1");
        Assert.Equal((0, "acme broker-events 1: replayed"), (retried.Code, Assert.Single(retried.Output)));

        await using var broker = await Hybrid.Shell.Nats.NatsBroker.ConnectAsync(new Hybrid.Shell.Nats.NatsBrokerOptions { Url = nats.Url });
        var consumer = await broker.JetStream.CreateOrUpdateConsumerAsync(broker.Options.EventsStream, new NATS.Client.JetStream.Models.ConsumerConfig());
        var messages = new List<NATS.Client.JetStream.INatsJSMsg<byte[]>>();
        await foreach (var msg in consumer.FetchNoWaitAsync<byte[]>(new NATS.Client.JetStream.NatsJSFetchOpts { MaxMsgs = 10 })) messages.Add(msg);
        Assert.Equal(eventId.ToString(), Assert.Single(messages).Headers!.TryGetLastValue(Hybrid.Shell.Nats.NatsHeaderNames.MessageId, out var id) ? id : null);
        Assert.Single((await Run("ops", "dead-letters", "--data", data)).Output); // the header only: nothing pending
    }

    [Theory]
    [InlineData("verify", "not base64!")]
    [InlineData("dead-letters", "AAAA")] // base64 of 3 bytes
    [InlineData("lag", "c2VjcmV0LWJ1dC1zaG9ydA==")]
    public async Task ops_with_a_master_key_variable_that_is_not_a_key_prints_one_line_naming_the_subcommand_and_the_variable_and_exits_with_1(
        string subcommand, string key)
    {
        await Seed();
        var (code, output, errors) = await RunWith(new Dictionary<string, string> { [SampleHybrid.MasterKeyVariable] = key },
            "ops", subcommand, "--data", _data.FullName);

        Assert.Equal(1, code);
        var error = Assert.Single(errors);
        Assert.Equal($"hybrid-sample ops {subcommand}: HYBRID_SAMPLE_MASTER_KEY is not a master key: it must be 32 bytes (256 bits) in base64, " +
                     "such as the output of `head -c 32 /dev/urandom | base64`.", error);
        Assert.DoesNotContain(key, error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task ops_without_a_store_prints_one_line_and_exits_with_2()
    {
        var (code, output, errors) = await Run("ops", "lag");
        Assert.Equal(2, code);
        Assert.Equal("hybrid-sample ops: give either --data DIR (the embedded store) or --postgres CONNECTION.", Assert.Single(errors));
        Assert.Empty(output);
    }

    [Fact]
    public async Task ops_on_a_data_directory_with_no_store_prints_one_line_exits_with_2_and_creates_nothing()
    {
        var data = Path.Combine(_data.FullName, "mistyped");
        var (code, output, errors) = await Run("ops", "retry", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "1");
        Assert.Equal(2, code);
        Assert.Equal($"hybrid-sample ops: --data: there is no event store in '{Path.Combine(data, "events")}' (no data.mdb): give the data directory a serve wrote.",
            Assert.Single(errors));
        Assert.Empty(output);
        Assert.False(Directory.Exists(data), "nothing is created in the mistyped directory");
    }

    [Fact]
    public async Task ops_on_a_data_directory_a_serve_holds_prints_one_line_saying_so_and_exits_with_1()
    {
        await Seed();
        using var serve = DataDirectoryLock.Acquire(_data.FullName); // as a running serve holds it
        var (code, output, errors) = await Run("ops", "retry", "--data", _data.FullName, "--tenant", "acme", "--processor", "points", "--position", "1");
        Assert.Equal(1, code);
        Assert.StartsWith($"hybrid-sample ops: --data: the directory '{_data.FullName}' is in use by a running serve", Assert.Single(errors));
        Assert.Empty(output);
    }

    [Fact]
    public async Task ops_forget_subject_redacts_an_invited_email_and_refuses_an_unknown_or_forgotten_subject_in_one_line()
    {
        var data = _data.FullName;
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(data) }))
        {
            var shredding = new Hybrid.Shell.Lifecycle.CryptoShreddingEventStore(store, Definitions.personalData, new LmdbSubjectKeyStore(store),
                Hybrid.Shell.Ids.UuidV7IdSource.System);
            await shredding.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(), Invites.Events.encode(Invites.Events.Event.NewCustomerInvited(
                new Invites.Events.Invited("c-1", "zoe@example.com", "ann", DateTimeOffset.UnixEpoch))), EventMetadata.Empty)), default);
        }

        var forgotten = await Run("ops", "forget-subject", "--data", data, "--tenant", "acme", "--subject", "c-1");
        Assert.Equal((0, "acme c-1: forgotten (audit event at position 2)"), (forgotten.Code, Assert.Single(forgotten.Output)));
        var again = await Run("ops", "forget-subject", "--data", data, "--tenant", "acme", "--subject", "c-1");
        Assert.Equal(2, again.Code);
        Assert.Equal("hybrid-sample ops: Tenant 'acme': subject 'c-1' has no key (it sealed nothing, or was forgotten already).", Assert.Single(again.Errors));
        var wrongTenant = await Run("ops", "forget-subject", "--data", data, "--tenant", "globex", "--subject", "c-1");
        Assert.Equal(2, wrongTenant.Code);
        Assert.Contains("'globex'", Assert.Single(wrongTenant.Errors));

        using var reopened = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(data) });
        var events = await reopened.Read("acme", EventQuery.All, default);
        Assert.Equal(["CustomerInvited", "SubjectForgotten"], events.Select(e => e.Type));
        Assert.DoesNotContain("zoe@example.com", events[0].Body);
        Assert.Null(await new LmdbSubjectKeyStore(reopened).TryGet("acme", "c-1", default));
    }

    [Fact]
    public async Task ops_show_retry_discard_and_replay_without_a_position_are_refused_naming_the_option_instead_of_acting_on_position_1()
    {
        await Seed(); // a pending dead letter at position 1: what a default of 1 would silently have discarded
        var data = _data.FullName;
        foreach (var (args, line) in new (string[], string)[]
                 {
                     (["ops", "discard", "--data", data, "--tenant", "acme", "--processor", "points"], "hybrid-sample ops discard: Option '--position' is required."),
                     (["ops", "retry", "--data", data, "--tenant", "acme", "--processor", "points"], "hybrid-sample ops retry: Option '--position' is required."),
                     (["ops", "show", "--data", data, "--tenant", "acme", "--processor", "points"], "hybrid-sample ops show: Option '--position' is required."),
                     (["ops", "replay", "--data", data, "--tenant", "acme", "--processor", "points"], "hybrid-sample ops replay: Option '--from' is required."),
                     (["ops", "retry", "--data", data, "--tenant", "acme", "--processor", "points", "--position", "one"],
                         "hybrid-sample ops retry: --position: 'one' is not a whole number from 0 to 9223372036854775807."),
                 })
        {
            var (code, output, errors) = await Run(args);
            Assert.Equal((2, line), (code, Assert.Single(errors)));
            Assert.Empty(output);
        }
        var listed = await Run("ops", "dead-letters", "--data", data);
        Assert.StartsWith("acme\tpoints\t1\tListCreated\tPending", Assert.Single(listed.Output.Skip(1)));
    }

    [Fact]
    public async Task ops_on_a_damaged_store_or_an_unreachable_database_prints_one_ops_line_naming_the_option_and_exits_with_1()
    {
        await Seed();
        var file = Path.Combine(SampleDataDirectory.EventStore(_data.FullName), "data.mdb");
        File.WriteAllBytes(file, []);
        var damaged = await Run("ops", "lag", "--data", _data.FullName);
        Assert.Equal((1, $"hybrid-sample ops: --data: The event store file '{file}' is damaged: the file is empty. Restore it from a backup; 'verify' checks a store offline."),
            (damaged.Code, Assert.Single(damaged.Errors)));
        Assert.Empty(damaged.Output);

        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        var port = ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        var unreachable = await Run("ops", "lag", "--postgres", $"Host=127.0.0.1;Port={port};Username=postgres;Database=shop");
        Assert.Equal(1, unreachable.Code);
        Assert.StartsWith($"hybrid-sample ops: --postgres: cannot use database 'shop' on 127.0.0.1:{port}: ", Assert.Single(unreachable.Errors));

        var malformed = await Run("ops", "lag", "--postgres", "Host");
        Assert.Equal(2, malformed.Code);
        Assert.StartsWith("hybrid-sample ops lag: --postgres: 'Host' is not a PostgreSQL connection string", Assert.Single(malformed.Errors));
    }

    [Fact]
    public async Task ops_rebuild_on_an_embedded_store_rebuilds_the_read_model_in_the_cache_serve_reads_from_not_in_a_throwaway_one()
    {
        await Seed(); // ListCreated at position 1
        var data = _data.FullName;

        var rebuilt = await Run("ops", "rebuild", "--data", data, "--tenant", "acme", "--model", Hybrid.Sample.ReadModels.TodoListsView.Name);

        Assert.Equal((0, "todo-lists for acme: rebuilt to position 1"), (rebuilt.Code, rebuilt.Output[^1]));
        // Before, ops folded into a cache of its own that died with it: serve's cache in DATA was never touched, and
        // the next serve went on reading the instance the operator meant to replace.
        using var cache = new Hybrid.Shell.Lmdb.LmdbReadModelStore(data);
        var model = Definitions.readModels.Single(m => m.Name == Hybrid.Sample.ReadModels.TodoListsView.Name);
        var stored = cache.Load(new ReadModelKey("acme", model.Name, model.Version, ""));
        Assert.NotNull(stored);
        Assert.Equal(1L, stored.Value.Watermark);
    }

    [Fact]
    public async Task ops_rebuild_on_postgres_is_refused_pointing_at_the_nodes_admin_endpoint_instead_of_rebuilding_a_throwaway_fold()
    {
        // Nothing is contacted: the refusal is an argument check (port 1 would fail to connect otherwise).
        var (code, output, errors) = await Run("ops", "rebuild", "--postgres", "Host=127.0.0.1;Port=1;Username=postgres;Database=shop",
            "--tenant", "acme", "--model", "todo-lists");

        Assert.Equal((2, "hybrid-sample ops rebuild: --postgres: on PostgreSQL each serve node caches its read models itself, out of this command's reach: " +
                         "rebuild on each node with POST /admin/api/read-models/{model}/rebuild?tenant=T."), (code, Assert.Single(errors)));
        Assert.Empty(output);
    }
}
