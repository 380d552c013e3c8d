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
    public async Task a_projector_folds_the_events_of_an_events_stream_made_again_each_once()
    {
        var model = ReadModel.ofRecorded("orders", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, _) => n + 1));
        await using var projector = new NatsProjector(_bed.Broker, [model], TimeProvider.System, NullLogger.Instance);
        await projector.StartAsync(default);
        var first = await _bed.Append("acme", Order(1), Order(2), Order(3));
        await Publish(first);
        await Eventually.Until(() => Task.FromResult(projector.Positions.GetValueOrDefault("acme") == 3), "the projector folded the first orders");

        await _bed.Broker.JetStream.DeleteStreamAsync(_bed.Options.EventsStream);
        await _bed.Broker.RestoreStreamsAsync(default);
        // The new stream holds the next orders, and one published again (sequences 1 to 3, below the 3 consumed before).
        var next = await _bed.Append("acme", Order(4), Order(5));
        await Publish([first[2], .. next]);

        await Eventually.Until(() => Task.FromResult(projector.Positions.GetValueOrDefault("acme") == 5), "the projector folded the orders of the new stream");
        Assert.Equal(5, (int)(await projector.Read("acme", "orders", "", default)).State);
        Assert.Equal(1, projector.DuplicatesSkipped);
    }

    private async Task Publish(RecordedEvent[] events)
    {
        var outcome = await new NatsJetStreamPublisher(_bed.Broker).PublishAsync(
            events.Select(e => new Shell.Producers.IntegrationPublication(e.Tenant, e, new IntegrationMessage("orders.placed", "order-placed", e.Body))).ToArray(), default);
        Assert.Equal(events.Length, outcome.Acknowledged);
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
