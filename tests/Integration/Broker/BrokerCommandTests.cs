using System.Text;
using System.Text.Json;
using Hybrid.InMemory.EventStore;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Nats;
using Hybrid.Tests.Integration.Hosting;
using Hybrid.Tests.Integration.WriteSide;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// Commands sent through the broker to a handler running the sample's command processor: replies, command ids,
/// deadlines, messages that are not commands, and poison commands.
/// </summary>
public sealed class BrokerCommandTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private BrokerBed _bed = null!;
    private NatsCommandSender _sender = null!;
    private readonly List<NatsCommandHandler> _handlers = [];
    private static readonly Caller Ann = new("acme", "ann", ["member", "admin"], "corr-1");

    public async Task InitializeAsync()
    {
        _bed = await BrokerBed.StartAsync(o => o with { CommandAckWait = TimeSpan.FromSeconds(2), CommandMaxDeliver = 3 });
        _sender = await NatsCommandSender.StartAsync(_bed.Broker);
    }

    public async Task DisposeAsync()
    {
        foreach (var handler in _handlers) await handler.DisposeAsync();
        await _sender.DisposeAsync();
        await _bed.DisposeAsync();
    }

    private async Task<NatsCommandHandler> Handler(IEventStore? store = null)
    {
        var processor = new CommandProcessor(store ?? _bed.Store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry));
        var handler = new NatsCommandHandler(_bed.Broker, processor, TimeProvider.System,
            new TestOutputLoggerProvider(output, "handler").CreateLogger("handler"));
        _handlers.Add(handler);
        await handler.StartAsync(default);
        return handler;
    }

    private static JsonElement Body(BrokerReply reply) => JsonDocument.Parse(reply.Json).RootElement;

    [Fact]
    public async Task a_command_sent_through_the_broker_is_answered_with_the_same_body_as_http_and_a_resend_with_its_id_writes_once()
    {
        await Handler();
        var id = Guid.NewGuid();
        var first = await _sender.SendAsync(Ann, "CreateList", """{"listId":"groceries","name":"Groceries"}""", id);
        var again = await _sender.SendAsync(Ann, "CreateList", """{"listId":"groceries","name":"Groceries"}""", id);
        var other = await _sender.SendAsync(Ann, "CreateList", """{"listId":"groceries","name":"Again"}""");

        Assert.Equal("accepted", first.Outcome);
        Assert.Equal("ListCreated", Body(first).GetProperty("events")[0].GetProperty("type").GetString());
        Assert.Equal(("accepted", Body(first).GetProperty("events").ToString()), (again.Outcome, Body(again).GetProperty("events").ToString()));
        Assert.Equal("rejected", other.Outcome);
        var events = await _bed.Store.Read("acme", EventQuery.All, default);
        Assert.Equal((id.ToString(), "corr-1", "ann"), (events.Single().Metadata.CausationId, events[0].Metadata.CorrelationId, events[0].Metadata.Actor));
    }

    [Fact]
    public async Task bad_json_an_unknown_command_and_a_denied_caller_get_typed_replies_and_write_nothing()
    {
        await Handler();
        var badJson = await _sender.SendAsync(Ann, "CreateList", "{ not json");
        var unknown = await _sender.SendAsync(Ann, "Teleport", "{}");
        var denied = await _sender.SendAsync(new Caller("acme", "dan", ["viewer"], ""), "CreateList", """{"listId":"x","name":"X"}""");
        var noTenant = await _sender.SendAsync(new Caller("", "ann", ["member"], ""), "CreateList", "{}");

        Assert.Equal(("invalid", "body"), (badJson.Outcome, Body(badJson).GetProperty("field").GetString()));
        Assert.Equal("unknown-command", unknown.Outcome);
        Assert.Equal("unauthorized", denied.Outcome);
        Assert.Equal(("invalid", "tenant"), (noTenant.Outcome, Body(noTenant).GetProperty("field").GetString()));
        Assert.Equal(0L, await _bed.Store.GetHead("acme", default));
    }

    [Theory]
    [InlineData("retyping", "events[0].type")]
    [InlineData("bad-condition", "condition.query.items[0].tags[1]")]
    public async Task a_field_the_store_refuses_is_named_in_the_reply_as_the_requests_json_names_fields_as_http_names_it(string refusing, string field)
    {
        var memory = new InMemoryEventStore(TimeProvider.System);
        await Handler(refusing == "retyping" ? new RetypingStore(memory, Purging.PurgedType) : new BadConditionStore(memory));
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""");

        Assert.Equal(("invalid", field), (reply.Outcome, Body(reply).GetProperty("field").GetString()));
        Assert.Contains($"{field}: ", Body(reply).GetProperty("reason").GetString());
        Assert.DoesNotContain(".Type", reply.Json);
        Assert.DoesNotContain(".Items", reply.Json);
        Assert.Equal(0L, await memory.GetHead("acme", default));
    }

    [Fact]
    public async Task a_message_that_is_not_a_command_gets_an_invalid_reply_and_goes_to_the_dead_letter_subject_once()
    {
        await Handler();
        var inbox = _bed.Broker.Connection.NewInbox();
        await using var replies = await _bed.Broker.Connection.SubscribeCoreAsync<byte[]>(inbox);
        var headers = new NatsHeaders { [NatsHeaderNames.ReplyTo] = inbox }; // no command id
        await _bed.Broker.JetStream.PublishAsync("hybrid.commands.CreateList", Encoding.UTF8.GetBytes("{}"), headers: headers); // no tenant token
        await _bed.Broker.JetStream.PublishAsync("hybrid.commands.acme.CreateList", Encoding.UTF8.GetBytes("{}"), headers: headers);

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await replies.Msgs.ReadAsync(wait.Token);
        var second = await replies.Msgs.ReadAsync(wait.Token);
        // The handler may answer the two in either order.
        Assert.Equal(new[] { NatsHeaderNames.CommandId, "subject" }.Order(StringComparer.Ordinal),
            new[] { first, second }.Select(r => JsonDocument.Parse(r.Data!).RootElement.GetProperty("field").GetString()!).Order(StringComparer.Ordinal));

        await Eventually.Until(async () => (await _bed.Messages(_bed.Options.DeadStream)).Count == 2, "both are dead-lettered");
        await Task.Delay(2500); // past the ack wait: nothing is delivered again
        var dead = await _bed.Messages(_bed.Options.DeadStream);
        Assert.Equal(2, dead.Count);
        // Handled concurrently: dead-lettered in either order.
        var reasons = dead.Select(d => d.Headers!.TryGetLastValue(NatsHeaderNames.DeadReason, out var reason) ? reason : "").Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("has no command id", reasons[0]);
        Assert.Contains("does not name a tenant and a command", reasons[1]);
    }

    [Fact]
    public async Task a_command_whose_handling_keeps_failing_is_retried_then_dead_lettered_with_a_failed_reply()
    {
        await Handler(new FailingStore(new InMemoryEventStore(TimeProvider.System)));
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.FromSeconds(15));

        Assert.Equal("failed", reply.Outcome);
        Assert.Contains("failed 3 times", Body(reply).GetProperty("reason").GetString());
        // The reply and the dead letter are published one after the other: wait for the dead letter to be stored.
        await Eventually.Until(async () => (await _bed.Messages(_bed.Options.DeadStream)).Any(), "the command is dead-lettered");
        var dead = Assert.Single(await _bed.Messages(_bed.Options.DeadStream));
        Assert.True(dead.Headers!.TryGetLastValue(NatsHeaderNames.DeadReason, out var reason));
        Assert.Contains("the store is down", reason);
    }

    [Fact]
    public async Task a_deadline_that_is_not_positive_is_invalid_naming_it_and_nothing_is_sent()
    {
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.Zero);
        Assert.Equal("invalid", reply.Outcome);
        Assert.Equal("deadline", Body(reply).GetProperty("field").GetString());
        Assert.Contains("Tenant 'acme'", reply.Json);
        Assert.Equal(0L, await _bed.Queued());
    }

    [Fact]
    public async Task without_a_handler_a_command_times_out_with_a_clear_error_and_is_not_run_after_its_deadline()
    {
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"late","name":"Late"}""", deadline: TimeSpan.FromMilliseconds(300));
        Assert.Equal("timeout", reply.Outcome);
        Assert.Contains("no handler answered command 'CreateList'", Body(reply).GetProperty("reason").GetString());

        var handler = await Handler();
        await Eventually.Until(async () => await _bed.Queued() == 0, "the queue is drained");
        Assert.Equal(0L, await _bed.Store.GetHead("acme", default));
        Assert.Equal(0L, handler.Handled);
    }

    [Fact]
    public async Task commands_sent_while_no_handler_runs_wait_in_the_queue_and_are_answered_when_one_starts()
    {
        var sent = _sender.SendAsync(Ann, "CreateList", """{"listId":"queued","name":"Queued"}""", deadline: TimeSpan.FromSeconds(15));
        await Task.Delay(500);
        await Handler();
        Assert.Equal("accepted", (await sent).Outcome);
    }

    [Fact]
    public async Task a_store_that_cannot_be_reached_is_answered_unavailable_not_dead_lettered_and_the_resend_applies_the_command_once()
    {
        var store = new SwitchableStore(_bed.Store, () => new StoreUnavailableException("Tenant 'acme': the database 'eu' cannot be reached."));
        await Handler(store);
        var id = Guid.NewGuid();
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", id, TimeSpan.FromSeconds(15));

        Assert.Equal("unavailable", reply.Outcome);
        Assert.Contains("Tenant 'acme': the store cannot be reached", Body(reply).GetProperty("reason").GetString());
        Assert.Equal(2.0, Body(reply).GetProperty("retryAfterSeconds").GetDouble());
        store.Down = false;
        Assert.Equal("accepted", (await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", id, TimeSpan.FromSeconds(15))).Outcome);
        Assert.Equal("accepted", (await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", id, TimeSpan.FromSeconds(15))).Outcome);
        Assert.Equal(1L, await _bed.Store.GetHead("acme", default));
        Assert.Empty(await _bed.Messages(_bed.Options.DeadStream));
    }

    [Fact]
    public async Task input_the_store_refuses_such_as_an_unknown_tenant_is_answered_invalid_naming_it_and_not_dead_lettered()
    {
        await Handler(new SwitchableStore(_bed.Store, () => new Shell.Routing.UnknownTenantException("acme")));
        var reply = await _sender.SendAsync(Ann, "CreateList", """{"listId":"x","name":"X"}""", deadline: TimeSpan.FromSeconds(15));

        Assert.Equal("invalid", reply.Outcome);
        Assert.Contains("'acme'", reply.Json);
        Assert.Equal(0L, await _bed.Store.GetHead("acme", default));
        Assert.Empty(await _bed.Messages(_bed.Options.DeadStream));
        Assert.Equal(0L, await _bed.Queued());
    }

    /// <summary>A store whose reads throw the given failure while it is down.</summary>
    private sealed class SwitchableStore(IEventStore inner, Func<Exception> failure) : Shell.Middleware.DelegatingEventStore(inner)
    {
        public volatile bool Down = true;

        public override Task<long> GetHead(string tenant, CancellationToken ct) => Down ? throw failure() : base.GetHead(tenant, ct);
    }

    /// <summary>A store whose every read throws, as one that cannot be reached.</summary>
    private sealed class FailingStore(IEventStore inner) : Shell.Middleware.DelegatingEventStore(inner)
    {
        public override Task<long> GetHead(string tenant, CancellationToken ct) => throw new IOException("the store is down");
    }
}
