using System.Text.Json;
using Hybrid.Sample;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Nats;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// A broker that lost Hybrid's streams while the processes run (restarted without its storage, a stream deleted by
/// hand): the producer, the command sender and the handlers set them up again and go on. Before, the streams were set
/// up only at start: the producer waited on "no responders" until the process was restarted, and commands were
/// answered unavailable forever.
/// </summary>
public sealed class BrokerLostStreamsTests : IAsyncLifetime
{
    private BrokerBed _bed = null!;

    public async Task InitializeAsync() => _bed = await BrokerBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static Producer Orders() =>
        Producer.Create("orders", [QueryItem.OfTypes("OrderPlaced")],
            e => FSharpOption<IntegrationMessage>.Some(new IntegrationMessage("orders.placed", "order-placed", e.Body)))
            .WithRetry(new RetryPolicy(2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), 0.5));

    private static EventData Order(int n) => EventData.Tagged("OrderPlaced", $$"""{"order":{{n}}}""", $"order:{n}");

    [Fact]
    public async Task a_producer_whose_events_stream_was_deleted_sets_it_up_again_and_publishes_what_followed_without_dead_letters()
    {
        await _bed.Append("acme", Order(1));
        await _bed.Producing(Orders());
        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "orders", default)).Position == 1, "the first order is published");

        await _bed.Broker.JetStream.DeleteStreamAsync(_bed.Options.EventsStream);
        var second = await _bed.Append("acme", Order(2));

        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "orders", default)).Position == 2, "the producer published the second order");
        var stored = Assert.Single(await _bed.Messages(_bed.Options.EventsStream));
        Assert.Equal(second[0].Id.ToString(), stored.Headers!.TryGetLastValue(NatsHeaderNames.MessageId, out var id) ? id : null);
        Assert.Empty(await _bed.DeadLetters.List("acme", "orders", default));
    }

    [Fact]
    public async Task commands_go_through_again_after_the_commands_stream_was_deleted()
    {
        var sender = await NatsCommandSender.StartAsync(_bed.Broker);
        await using var handler = new NatsCommandHandler(_bed.Broker, new CommandProcessor(_bed.Store, UuidV7IdSource.System, CommandCatalog.Of(Definitions.registry)),
            TimeProvider.System, NullLogger.Instance);
        await handler.StartAsync(default);
        var ann = new Caller("acme", "ann", ["member", "admin"], "corr-1");
        Assert.Equal("accepted", (await sender.SendAsync(ann, "CreateList", """{"listId":"a","name":"A"}""", deadline: TimeSpan.FromSeconds(20))).Outcome);

        await _bed.Broker.JetStream.DeleteStreamAsync(_bed.Options.CommandsStream);
        var commandId = Guid.NewGuid();
        string outcome;
        var tries = 0;
        do
        {
            var reply = await sender.SendAsync(ann, "CreateList", """{"listId":"b","name":"B"}""", commandId, TimeSpan.FromSeconds(10));
            outcome = reply.Outcome;
            Assert.True(outcome is "accepted" or "unavailable", reply.Json);
            if (outcome == "unavailable") await Task.Delay(TimeSpan.FromSeconds(JsonDocument.Parse(reply.Json).RootElement.GetProperty("retryAfterSeconds").GetDouble()));
        }
        while (outcome != "accepted" && ++tries < 5);

        Assert.Equal("accepted", outcome);
        Assert.Equal(2L, await _bed.Store.GetHead("acme", default));
        await sender.DisposeAsync();
    }
}
