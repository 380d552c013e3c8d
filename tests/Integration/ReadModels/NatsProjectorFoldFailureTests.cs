using System.Text;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Producers;
using Hybrid.Tests.Integration.Broker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// The broker projector's read models when a reducer throws: the failing model of that tenant stops and its reads fail
/// naming the model, tenant and event; the event stream is not stuck on it (no redelivery loop), and every other model
/// and tenant keeps folding.
/// </summary>
public sealed class NatsProjectorFoldFailureTests : IAsyncLifetime
{
    private BrokerBed _bed = null!;

    public async Task InitializeAsync() => _bed = await BrokerBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static EventData Order(string id, bool poison = false) =>
        new("OrderPlaced", [], $"order-{id}", poison ? """{"poison":true}""" : $$"""{"id":"{{id}}"}""", 1);

    [Fact]
    public async Task a_reducer_that_throws_stops_only_its_model_for_that_tenant_and_reads_of_it_name_the_event()
    {
        var acme = await _bed.Append("acme", Order("1"), Order("2", poison: true), Order("3"));
        var globex = await _bed.Append("globex", Order("4"));
        var fragile = ReadModel.ofRecorded("fragile-orders", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, e) =>
            e.Body.Contains("poison") ? throw new InvalidOperationException("the reducer is broken") : n + 1));
        var steady = ReadModel.ofRecorded("orders", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, _) => n + 1));
        await using var projector = new NatsProjector(_bed.Broker, [fragile, steady], TimeProvider.System, NullLogger.Instance);
        bool Apply(string tenant, RecordedEvent e)
        {
            var headers = NatsEventHeaders.Of(new IntegrationPublication(tenant, e, new IntegrationMessage("o", "o", e.Body)));
            return projector.Apply(headers, Encoding.UTF8.GetBytes(e.Body));
        }

        Assert.All(acme, e => Assert.True(Apply("acme", e)));
        Assert.True(Apply("globex", globex[0]));

        var failure = await Assert.ThrowsAsync<ReadModelFoldFailedException>(() => projector.Read("acme", "fragile-orders", "", default));
        Assert.Equal(("acme", "fragile-orders", acme[1].Id, acme[1].Position), (failure.Tenant, failure.Model, failure.EventId, failure.Position));
        await Assert.ThrowsAsync<ReadModelFoldFailedException>(() => projector.ReadAtLeast("acme", "fragile-orders", "", 3, default));
        Assert.Equal((3, 3L), Pair(await projector.ReadAtLeast("acme", "orders", "", 3, default)));
        Assert.Equal(1, (int)(await projector.Read("globex", "fragile-orders", "", default)).State);
    }

    private static (int, long) Pair(ReadModelView view) => ((int)view.State, view.Position);
}
