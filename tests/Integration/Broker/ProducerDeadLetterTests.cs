using Hybrid.Shell.Hosting;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// A producer's dead letters through the operator's API, as any processor's: listed, retried (the event is mapped and
/// published again, its message id still the event id) or discarded; a retry that fails again keeps it pending.
/// </summary>
public sealed class ProducerDeadLetterTests : IAsyncLifetime
{
    private BrokerBed _bed = null!;
    private volatile bool _mappingBroken = true;

    public async Task InitializeAsync() => _bed = await BrokerBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    /// <summary>
    /// Orders published as "orders.placed"; the mapping throws on "poison" while it is broken, and makes a message above
    /// the server's max_payload (1 MiB) of "huge".
    /// </summary>
    private Producer Orders() =>
        Producer.Create("orders", [QueryItem.OfTypes("OrderPlaced")], e =>
                _mappingBroken && e.Body.Contains("poison")
                    ? throw new FormatException("cannot map order 'poison'")
                    : FSharpOption<IntegrationMessage>.Some(new IntegrationMessage("orders.placed", "order-placed",
                        e.Body.Contains("huge") ? new string('x', 2 * 1024 * 1024) : e.Body)))
            .WithRetry(new RetryPolicy(1, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50), 0.5));

    private IHost Node()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(hybrid =>
        {
            hybrid.UseInMemory();
            hybrid.AddProducer(Orders(), _ => new NatsJetStreamPublisher(_bed.Broker));
            hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(4);
            hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(200);
            hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(200);
        });
        return builder.Build();
    }

    private static ProposedEvent Order(string body) =>
        new(Guid.CreateVersion7(), EventData.Tagged("OrderPlaced", $$"""{"order":"{{body}}"}""", $"order:{body}"), EventMetadata.Empty);

    private async Task<string[]> PublishedIds() =>
        (await _bed.Messages(_bed.Options.EventsStream)).Select(m => m.Headers!.TryGetLastValue(NatsHeaderNames.MessageId, out var id) ? id! : "").ToArray();

    [Fact]
    public async Task a_producer_dead_letter_is_listed_retried_by_publishing_the_event_again_and_then_no_longer_pending()
    {
        using var node = Node();
        var store = node.Services.GetRequiredService<IEventStore>();
        var ops = node.Services.GetRequiredService<HybridOperations>();
        var appended = Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of("acme", Order("1"), Order("poison"), Order("3")), default)).Item;
        await node.StartAsync();
        await Eventually.Until(async () => (await store.ReadCheckpoint("acme", "orders", default)).Position == 3, "the producer moved past the poison");

        var letter = Assert.Single(await ops.DeadLetters("acme", "orders", includeSettled: false, default));
        Assert.Equal((2L, "OrderPlaced"), (letter.Position, letter.EventType));
        Assert.Contains("cannot map order 'poison'", letter.Error);
        Assert.Equal([appended[0].Id.ToString(), appended[2].Id.ToString()], await PublishedIds());

        _mappingBroken = false; // the mapping was fixed and deployed
        var replayed = await ops.Retry("acme", "orders", 2, default);

        Assert.Equal(DeadLetterStatus.Replayed, replayed.Status);
        Assert.Empty(await ops.DeadLetters("acme", "orders", includeSettled: false, default));
        Assert.Equal([appended[0].Id.ToString(), appended[2].Id.ToString(), appended[1].Id.ToString()], await PublishedIds());
        await node.StopAsync();
    }

    [Fact]
    public async Task a_message_the_broker_refuses_is_dead_lettered_a_retry_that_is_refused_again_keeps_it_pending_and_it_can_be_discarded()
    {
        using var node = Node();
        var store = node.Services.GetRequiredService<IEventStore>();
        var ops = node.Services.GetRequiredService<HybridOperations>();
        await store.Append(AppendRequest.Of("acme", Order("1"), Order("huge"), Order("3")), default);
        await node.StartAsync();
        await Eventually.Until(async () => (await store.ReadCheckpoint("acme", "orders", default)).Position == 3, "the producer moved past the refused message");
        Assert.Equal(2, (await PublishedIds()).Length);
        var letter = Assert.Single(await ops.DeadLetters("acme", "orders", includeSettled: false, default));
        Assert.Contains("The broker refused the message", letter.Error);

        var failed = await Assert.ThrowsAsync<ReplayFailedException>(() => ops.Retry("acme", "orders", 2, default));
        Assert.Contains("The broker refused the message", failed.Message);
        var still = Assert.Single(await ops.DeadLetters("acme", "orders", includeSettled: false, default));
        Assert.Equal(letter.Attempts + 1, still.Attempts);

        var discarded = await ops.Discard("acme", "orders", 2, default);
        Assert.Equal(DeadLetterStatus.Discarded, discarded.Status);
        Assert.Empty(await ops.DeadLetters("acme", "orders", includeSettled: false, default));
        Assert.Equal(2, (await PublishedIds()).Length);
        await node.StopAsync();
    }
}
