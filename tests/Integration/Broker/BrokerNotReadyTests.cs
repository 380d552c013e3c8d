using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Producers;
using Hybrid.Testing.Nats;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.Sample;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// A broker that is not ready: down when the process starts, or refusing Hybrid's streams (a stream of another name
/// already takes their subjects). The process starts anyway, commands are answered <c>unavailable</c> naming the
/// broker and why (the front: 503 with Retry-After), a producer's publish is unavailable (it waits), and once the
/// broker is up the same process runs commands. Before, resolving the broker waited for the server forever: a front
/// whose broker was down never listened.
/// </summary>
public sealed class BrokerNotReadyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Caller Ann = new("acme", "ann", ["member", "admin"], "corr-1");

    private static JsonElement Body(BrokerReply reply) => JsonDocument.Parse(reply.Json).RootElement;

    [Fact]
    public async Task disposing_a_broker_twice_is_harmless()
    {
        using var server = await PrivateNatsServer.StartAsync();
        var broker = NatsBroker.Start(new NatsBrokerOptions { Url = server.Url, ConnectPatience = TimeSpan.FromMilliseconds(300) });

        await broker.DisposeAsync();
        await broker.DisposeAsync();

        Assert.False(broker.IsReady);
    }

    [Fact]
    public async Task a_process_whose_broker_is_down_at_start_starts_answers_unavailable_naming_the_broker_and_runs_commands_once_it_is_up()
    {
        using var server = await PrivateNatsServer.StartAsync();
        server.Stop();
        var store = new InMemoryEventStore(TimeProvider.System);
        var startedAt = Stopwatch.StartNew();
        await using var broker = NatsBroker.Start(new NatsBrokerOptions { Url = server.Url, ConnectPatience = TimeSpan.FromMilliseconds(300) });
        var sender = await NatsCommandSender.StartAsync(broker);
        await using var handler = new NatsCommandHandler(broker, new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry)),
            TimeProvider.System, NullLogger.Instance);
        await handler.StartAsync(default);
        Assert.True(startedAt.Elapsed < TimeSpan.FromSeconds(5), $"starting took {startedAt.Elapsed}");

        var reply = await sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.FromSeconds(10));
        Assert.Equal("unavailable", reply.Outcome);
        var reason = Body(reply).GetProperty("reason").GetString();
        Assert.Equal("Tenant 'acme': command 'CreateList' could not be sent: the broker cannot be reached now; it was not sent.", reason);
        Assert.DoesNotContain(new Uri(server.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), reason); // no address for remote callers
        Assert.Equal(2.0, Body(reply).GetProperty("retryAfterSeconds").GetDouble());
        Assert.False(broker.IsReady);
        var unpublished = Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of("acme",
            new ProposedEvent(Guid.CreateVersion7(), EventData.Tagged("OrderPlaced", """{"order":1}""", "order:1"), EventMetadata.Empty)), default)).Item[0];
        var publishing = await Assert.ThrowsAsync<BrokerUnavailableException>(() => new NatsJetStreamPublisher(broker).PublishAsync(
            [new IntegrationPublication("acme", unpublished, new IntegrationMessage("orders.placed", "order-placed", unpublished.Body))], default));
        Assert.Contains(server.Url, publishing.Message);

        await server.StartAgainAsync();
        await broker.WhenReady(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Null(broker.Problem);
        Assert.Equal("accepted", (await sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.FromSeconds(20))).Outcome);
        Assert.Equal(2L, await store.GetHead("acme", default)); // the order, then the list
        await sender.DisposeAsync();
    }

    [Fact]
    public async Task a_stream_that_already_takes_the_event_subjects_keeps_the_broker_unready_and_commands_are_unavailable_and_the_operator_is_told_the_streams()
    {
        using var server = await PrivateNatsServer.StartAsync();
        await using (var other = new NatsConnection(new NatsOpts { Url = server.Url }))
            await new NatsJSContext(other).CreateStreamAsync(new StreamConfig("LEGACY", ["hybrid.events.>"]));
        await using var broker = NatsBroker.Start(new NatsBrokerOptions { Url = server.Url, ConnectPatience = TimeSpan.FromMilliseconds(300) });
        var sender = await NatsCommandSender.StartAsync(broker);

        await Eventually.Until(() => Task.FromResult(broker.Problem?.Contains("streams could not be set up") == true), "the broker tried to set up its streams");
        var reply = await sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.FromSeconds(10));
        Assert.Equal("unavailable", reply.Outcome);
        Assert.Equal("Tenant 'acme': command 'CreateList' could not be sent: the broker cannot be reached now; it was not sent.",
            Body(reply).GetProperty("reason").GetString());
        // The streams are named to the operator (the broker's log and exceptions), not to remote callers.
        Assert.Contains("HYBRID_EVENTS", broker.UnavailableReason());
        Assert.Contains("overlap", broker.UnavailableReason());
        Assert.False(broker.IsReady);
        await sender.DisposeAsync();
    }

    [Fact]
    public async Task the_front_started_while_its_broker_is_down_listens_and_answers_503_with_retry_after_without_the_broker_address_and_400_for_a_bad_deadline()
    {
        using var server = await PrivateNatsServer.StartAsync();
        server.Stop();
        var url = $"http://127.0.0.1:{FreePort()}";
        using var front = ServeProcess.Start("front", "--nats", server.Url, "--urls", url);
        await Eventually.Until(() => Task.FromResult(front.Output.Any(l => l.Contains("front ready", StringComparison.Ordinal))), "the front is ready");

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        HttpRequestMessage Request(string deadlineMs)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/commands/CreateList?deadlineMs={deadlineMs}")
            {
                Content = new StringContent("""{"listId":"x","name":"X"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Tenant", "acme");
            request.Headers.Add("X-Actor", "ann");
            request.Headers.Add("X-Roles", "member");
            return request;
        }
        foreach (var bad in new[] { "soon", "0", "-5" })
        {
            using var refused = await http.SendAsync(Request(bad));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("deadlineMs", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }
        using var response = await http.SendAsync(Request("2000"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("the broker cannot be reached now", body);
        Assert.DoesNotContain(server.Url, body);
    }

    [Fact]
    public async Task a_command_sent_while_the_connection_is_lost_is_answered_unavailable_at_once_and_runs_once_the_broker_is_back()
    {
        using var server = await PrivateNatsServer.StartAsync();
        var store = new InMemoryEventStore(TimeProvider.System);
        await using var broker = await NatsBroker.ConnectAsync(new NatsBrokerOptions { Url = server.Url }, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        var sender = await NatsCommandSender.StartAsync(broker);
        await using var handler = new NatsCommandHandler(broker, new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry)),
            TimeProvider.System, new TestOutputLoggerProvider(output, "handler").CreateLogger("handler"));
        await handler.StartAsync(default);
        Assert.Equal("accepted", (await sender.SendAsync(Ann, "CreateList", """{"listId":"a","name":"A"}""", deadline: TimeSpan.FromSeconds(20))).Outcome);

        server.Stop();
        await Eventually.Until(() => Task.FromResult(broker.Connection.ConnectionState != NatsConnectionState.Open), "the client noticed");
        var sending = Stopwatch.StartNew();
        var reply = await sender.SendAsync(Ann, "CreateList", """{"listId":"b","name":"B"}""", deadline: TimeSpan.FromSeconds(30));
        Assert.Equal("unavailable", reply.Outcome);
        Assert.True(sending.Elapsed < TimeSpan.FromSeconds(10), $"answered after {sending.Elapsed}");
        Assert.Equal("Tenant 'acme': command 'CreateList' could not be sent: the broker cannot be reached now; it was not sent.",
            Body(reply).GetProperty("reason").GetString());
        Assert.Contains($"the broker at {server.Url} cannot be used: the connection is", broker.UnavailableReason());

        await server.StartAgainAsync();
        await Eventually.Until(() => Task.FromResult(broker.Connection.ConnectionState == NatsConnectionState.Open), "the client reconnected");
        // Within the deadline: before, the handler's pull request, lost with the server, was made again only after 30 s.
        Assert.Equal("accepted", (await sender.SendAsync(Ann, "CreateList", """{"listId":"b","name":"B"}""", deadline: TimeSpan.FromSeconds(20))).Outcome);
        Assert.Equal(2L, await store.GetHead("acme", default)); // a and b, each once
        await sender.DisposeAsync();
    }

    [Theory]
    [InlineData("", "nats://127.0.0.1:4222", "Prefix")]
    [InlineData("my app", "nats://127.0.0.1:4222", "Prefix")]
    [InlineData("hybrid.>", "nats://127.0.0.1:4222", "Prefix")]
    [InlineData("hybrid", "http://127.0.0.1:4222", "Url")]
    [InlineData("hybrid", "", "Url")]
    [InlineData("hybrid", "nats://127.0.0.1:4222,not a url", "Url")]
    public void broker_options_that_can_never_work_are_refused_naming_the_option(string prefix, string url, string field)
    {
        var options = new NatsBrokerOptions { Prefix = prefix, Url = url };
        var refused = Assert.ThrowsAny<InvalidInputException>(() => NatsBroker.Start(options));
        Assert.Equal(field, refused.Field);
        Assert.StartsWith($"NatsBrokerOptions.{field}: ", refused.Message);
        Assert.ThrowsAny<InvalidInputException>(() => new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddNatsBroker(options));
    }

    [Theory]
    [InlineData("nats://127.0.0.1:4222")]
    [InlineData("127.0.0.1:4222")]
    [InlineData("nats://a.example:4222, nats://b.example:4222")]
    [InlineData("tls://user:secret@a.example:4222")]
    public void server_urls_nats_accepts_are_accepted(string url) => new NatsBrokerOptions { Url = url, Prefix = "acme.hybrid" }.Validate();

    [Theory]
    [InlineData("tls://user:secret@a.example:4222", "tls://***@a.example:4222")]
    [InlineData("nats://secret@a.example:4222, nats://b.example:4222", "nats://***@a.example:4222, nats://b.example:4222")]
    [InlineData("user:secret@a.example:4222/path@x", "***@a.example:4222/path@x")]
    [InlineData("nats://a.example:4222", "nats://a.example:4222")]
    public void credentials_in_the_broker_url_never_reach_messages(string url, string shown)
    {
        var options = new NatsBrokerOptions { Url = url };
        Assert.Equal(shown, options.DisplayUrl);
        Assert.DoesNotContain("secret", options.DisplayUrl);
    }

    [Fact]
    public void a_broker_url_refused_is_named_without_its_password() =>
        Assert.Equal("NatsBrokerOptions.Url: 'http://***@a.example:4222' is not a NATS server URL (nats://host:port, or several separated by commas).",
            Assert.Throws<InvalidInputException>(() => new NatsBrokerOptions { Url = "http://alice:secret@a.example:4222" }.Validate()).Message);

    [Fact]
    public async Task a_broker_url_with_a_password_is_named_without_it_when_the_broker_cannot_be_used()
    {
        using var server = await PrivateNatsServer.StartAsync();
        server.Stop();
        var port = new Uri(server.Url).Port;
        await using var broker = NatsBroker.Start(new NatsBrokerOptions { Url = $"nats://alice:secret@127.0.0.1:{port}", ConnectPatience = TimeSpan.FromMilliseconds(100) });
        var unavailable = await Assert.ThrowsAsync<BrokerUnavailableException>(() => broker.EnsureReady(default));
        Assert.Contains($"the broker at nats://***@127.0.0.1:{port} cannot be used", unavailable.Message);
        Assert.DoesNotContain("secret", unavailable.Message);
    }

    [Fact]
    public async Task a_front_given_a_nats_url_that_is_not_one_exits_2_with_one_line_naming_the_option()
    {
        using var front = ServeProcess.Start("front", "--nats", "http://127.0.0.1:4222", "--urls", $"http://127.0.0.1:{FreePort()}");
        Assert.Equal(2, await front.ExitCode());
        Assert.Equal("hybrid-sample front: --nats: 'http://127.0.0.1:4222' is not a NATS server URL (such as nats://127.0.0.1:4222).", Assert.Single(front.Errors));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
