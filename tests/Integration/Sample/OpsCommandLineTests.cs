using Hybrid.Sample.Host;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>`hybrid-sample ops` on an embedded store, output redirected (plain lines): results, refusals in one line with exit 2.</summary>
public sealed class OpsCommandLineTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hybrid-ops-cli-");

    public void Dispose() => _data.Delete(recursive: true);

    private static async Task<(int Code, string[] Output, string[] Errors)> Run(params string[] args)
    {
        using var process = ServeProcess.Start(args);
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

    [Fact]
    public async Task ops_without_a_store_prints_one_line_and_exits_with_2()
    {
        var (code, output, errors) = await Run("ops", "lag");
        Assert.Equal(2, code);
        Assert.Equal("hybrid-sample ops: give either --data DIR (the embedded store) or --postgres CONNECTION.", Assert.Single(errors));
        Assert.Empty(output);
    }
}
