using System.Text;
using Hybrid.Shell.Nats;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// Producers against a private NATS JetStream server: selection by type and tag, the pure mapping, per-tenant subjects,
/// message id = event id, the checkpoint after the broker's acknowledgement, dead letters, and a broker outage.
/// </summary>
public sealed class ProducerTests : IAsyncLifetime
{
    private BrokerBed _bed = null!;

    public async Task InitializeAsync() => _bed = await BrokerBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static EventData Order(string id, string type = "OrderPlaced", string region = "eu") =>
        EventData.Tagged(type, $$"""{"order":"{{id}}"}""", $"order:{id}", $"region:{region}");

    /// <summary>Orders placed in the EU, published as "orders.placed" messages with a body of the order id.</summary>
    private static Producer EuOrders(Func<RecordedEvent, IntegrationMessage>? map = null) =>
        Producer.Create("eu-orders", [new QueryItem(["OrderPlaced"], ["region:eu"])],
            e => FSharpOption<IntegrationMessage>.Some(map?.Invoke(e) ?? new IntegrationMessage("orders.placed", "order-placed", e.Body)))
            .WithRetry(new RetryPolicy(2, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), 0.5));

    private Task<List<NATS.Client.JetStream.INatsJSMsg<byte[]>>> Published() =>
        _bed.Messages(_bed.Options.EventsStream);

    private static string Header(NATS.Client.JetStream.INatsJSMsg<byte[]> msg, string name) =>
        msg.Headers!.TryGetLastValue(name, out var value) ? value! : "";

    [Fact]
    public async Task selected_events_are_published_on_tenant_subjects_with_the_event_id_as_message_id_and_the_checkpoint_follows_the_ack()
    {
        var acme = await _bed.Append("acme.eu", Order("1"), Order("2", region: "us"), Order("3", type: "OrderCancelled"), Order("4"));
        await _bed.Append("globex", Order("5"));
        var host = await _bed.Producing(EuOrders());

        await Eventually.Until(async () => (await Published()).Count == 3, "three EU orders are published");
        var messages = await Published();
        Assert.Equal(["hybrid.events.acme~eu.orders.placed", "hybrid.events.acme~eu.orders.placed", "hybrid.events.globex.orders.placed"],
            messages.Select(m => m.Subject).Order());
        var acmeMessages = messages.Where(m => Header(m, NatsHeaderNames.Tenant) == "acme.eu").ToArray();
        Assert.Equal([acme[0].Id.ToString(), acme[3].Id.ToString()], acmeMessages.Select(m => Header(m, NatsHeaderNames.MessageId)));
        Assert.Equal(["1", "4"], acmeMessages.Select(m => Header(m, NatsHeaderNames.Position)));
        Assert.Equal("""{"order":"1"}""", Encoding.UTF8.GetString(acmeMessages[0].Data!));
        Assert.Equal("order-placed", Header(acmeMessages[0], NatsHeaderNames.MessageType));
        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme.eu", "eu-orders", default)).Position == 4, "the checkpoint reaches the last event");
        Assert.Equal(4L, host.PositionOf("eu-orders", "acme.eu"));
    }

    [Fact]
    public async Task a_pipelined_batch_is_stored_in_the_order_of_the_log_per_tenant()
    {
        var acme = await _bed.Append("acme", Enumerable.Range(1, 300).Select(i => Order($"{i}")).ToArray());
        var globex = await _bed.Append("globex", Enumerable.Range(1, 100).Select(i => Order($"g{i}")).ToArray());
        var interleaved = acme.Select((e, i) => (e, i * 3)).Concat(globex.Select((e, i) => (e, i * 9 + 1))).OrderBy(p => p.Item2)
            .Select(p => new Shell.Producers.IntegrationPublication(p.e.Tenant, p.e, new IntegrationMessage("orders.placed", "order-placed", p.e.Body))).ToArray();

        var outcome = await new NatsJetStreamPublisher(_bed.Broker).PublishAsync(interleaved, default);

        Assert.Equal(400, outcome.Acknowledged);
        var stored = await Published();
        foreach (var tenant in new[] { "acme", "globex" })
            Assert.Equal(Enumerable.Range(1, tenant == "acme" ? 300 : 100).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                stored.Where(m => Header(m, NatsHeaderNames.Tenant) == tenant).Select(m => Header(m, NatsHeaderNames.Position)));
    }

    [Fact]
    public async Task a_producer_that_publishes_again_from_an_old_checkpoint_repeats_nothing_in_the_stream()
    {
        await _bed.Append("acme", Order("1"), Order("2"), Order("3"));
        var first = await _bed.Producing(EuOrders());
        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "eu-orders", default)).Position == 3, "the first run checkpointed");
        await first.StopAsync(default);

        await _bed.Store.ResetCheckpoint("acme", "eu-orders", 0, default); // as after a crash before the checkpoint
        await _bed.Append("acme", Order("4"));
        await _bed.Producing(EuOrders());

        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "eu-orders", default)).Position == 4, "the second run caught up");
        var ids = (await Published()).Select(m => Header(m, NatsHeaderNames.EventId)).ToArray();
        Assert.Equal(4, ids.Length);
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public async Task an_event_whose_mapping_throws_or_gives_a_bad_subject_is_dead_lettered_and_the_rest_is_published()
    {
        await _bed.Append("acme", Order("1"), Order("poison"), Order("spaces"), Order("4"));
        await _bed.Producing(EuOrders(e => e.Body.Contains("poison") ? throw new FormatException("cannot map order 'poison'")
            : new IntegrationMessage(e.Body.Contains("spaces") ? "orders placed" : "orders.placed", "order-placed", e.Body)));

        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "eu-orders", default)).Position == 4, "the producer moved past both");
        Assert.Equal(["1", "4"], (await Published()).Select(m => Header(m, NatsHeaderNames.Position)));
        var dead = await _bed.DeadLetters.List("acme", "eu-orders", default);
        Assert.Equal([2L, 3L], dead.Select(d => d.Position));
        Assert.Contains("cannot map order 'poison'", dead[0].Error);
        Assert.Contains("'orders placed'", dead[1].Error);
    }

    [Fact]
    public async Task while_the_broker_is_down_the_producer_waits_and_then_publishes_everything_once_without_dead_letters()
    {
        await _bed.Append("acme", Order("1"));
        await _bed.Producing(EuOrders());
        await Eventually.Until(async () => (await Published()).Count == 1, "the first order is published");

        _bed.Server.Stop();
        await _bed.Append("acme", Order("2"), Order("3"));
        await Task.Delay(1500); // the producer tries, and waits
        Assert.Equal(1L, (await _bed.Store.ReadCheckpoint("acme", "eu-orders", default)).Position);
        await _bed.Server.StartAgainAsync();

        await Eventually.Until(async () => (await _bed.Store.ReadCheckpoint("acme", "eu-orders", default)).Position == 3, "the producer resumed");
        Assert.Equal(["1", "2", "3"], (await Published()).Select(m => Header(m, NatsHeaderNames.Position)));
        Assert.Empty(await _bed.DeadLetters.List("acme", "eu-orders", default));
    }

    [Fact]
    public async Task a_projector_folds_each_event_once_even_when_a_repeat_arrives_after_the_deduplication_window()
    {
        var events = await _bed.Append("acme", Order("1"), Order("2"));
        var model = ReadModel.ofRecorded("orders", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, _) => n + 1));
        await using var projector = new NatsProjector(_bed.Broker, [model], TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Message Of(RecordedEvent e) => new(NatsEventHeaders.Of(new Shell.Producers.IntegrationPublication("acme", e, new IntegrationMessage("o", "o", e.Body))),
            Encoding.UTF8.GetBytes(e.Body));

        Assert.True(projector.Apply(Of(events[0]).Headers, Of(events[0]).Body));
        Assert.True(projector.Apply(Of(events[1]).Headers, Of(events[1]).Body));
        Assert.False(projector.Apply(Of(events[0]).Headers, Of(events[0]).Body));
        Assert.False(projector.Apply(new NATS.Client.Core.NatsHeaders(), []));

        var view = await projector.Read("acme", "orders", "", default);
        Assert.Equal((2, 2L), ((int)view.State, view.Position));
        Assert.Equal((1L, 1L), (projector.DuplicatesSkipped, projector.Malformed));
    }

    private sealed record Message(NATS.Client.Core.NatsHeaders Headers, byte[] Body);
}
