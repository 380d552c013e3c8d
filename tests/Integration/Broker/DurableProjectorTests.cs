using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Producers;
using Hybrid.Tests.Integration.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Broker;

/// <summary>
/// A broker projector kept in the LMDB read-model cache: a projector that stops without writing what it folded last
/// (as a killed process would) is restarted on the same files, resumes after the stream sequence stored with the
/// models, and folds each event once.
/// </summary>
public sealed class DurableProjectorTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("hybrid-projector-");
    private BrokerBed _bed = null!;

    public async Task InitializeAsync() => _bed = await BrokerBed.StartAsync();

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private static readonly ReadModelDefinition Orders =
        ReadModel.ofRecorded("orders", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, _) => n + 1));

    private async Task Publish(string tenant, int count)
    {
        var events = await _bed.Append(tenant, Enumerable.Range(0, count).Select(i => EventData.Create("OrderPlaced", $$"""{"n":{{i}}}""", $"order-{i}")).ToArray());
        var outcome = await new NatsJetStreamPublisher(_bed.Broker).PublishAsync(
            events.Select(e => new IntegrationPublication(tenant, e, new IntegrationMessage(e.Type, e.Type, e.Body))).ToArray(), default);
        Assert.Equal(count, outcome.Acknowledged);
    }

    private NatsProjector Projector(IReadModelStore store, TimeSpan flushInterval) =>
        new(_bed.Broker, [Orders], TimeProvider.System, NullLogger.Instance, store) { FlushInterval = flushInterval };

    private static async Task<int> Count(NatsProjector projector, string tenant) => (int)(await projector.Read(tenant, "orders", "", default)).State;

    [Fact]
    public async Task a_projector_takes_the_events_published_after_a_broker_restart_within_seconds()
    {
        await using var projector = new NatsProjector(_bed.Broker, [Orders], TimeProvider.System, NullLogger.Instance);
        await projector.StartAsync(default);
        await Publish("acme", 2);
        await Eventually.Until(() => Task.FromResult(projector.Positions.GetValueOrDefault("acme") == 2), "the projector folded the first events");

        _bed.Server.Stop();
        await _bed.Server.StartAgainAsync();
        await Eventually.Until(() => Task.FromResult(_bed.Broker.Connection.ConnectionState == NATS.Client.Core.NatsConnectionState.Open), "the broker is back");
        await Publish("acme", 1);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.Until(() => Task.FromResult(projector.Positions.GetValueOrDefault("acme") == 3), "the projector folded the event published after the restart");
        // Before, its pull request, lost with the server, was made again only after 30 s.
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"folded after {waited.Elapsed}");
        Assert.Equal(3, await Count(projector, "acme"));
    }

    [Fact]
    public async Task a_projector_restarted_after_a_crash_resumes_after_the_stored_sequence_and_folds_each_event_once()
    {
        using var lmdb = new LmdbReadModelStore(_data.FullName);
        await Publish("acme", 3);
        await Publish("globex", 1);
        var cut = new CuttableStore(lmdb);
        var first = Projector(cut, TimeSpan.FromMilliseconds(50));
        await first.StartAsync(default);
        await Eventually.Until(() => Task.FromResult(first.Positions.GetValueOrDefault("acme") == 3 && first.Positions.GetValueOrDefault("globex") == 1), "the first projector folded both tenants");
        await Eventually.Until(() => Task.FromResult(lmdb.Load(new ReadModelKey("acme", "orders", 1, "")) is { } stored && stored.Value.Watermark == 3), "the models are written");
        await Task.Delay(200); // a flush after the models' writes stores the sequence they hold

        cut.Cut = true; // from here on nothing the first projector writes reaches the files: it crashes
        await Publish("acme", 2);
        await Eventually.Until(() => Task.FromResult(first.Positions.GetValueOrDefault("acme") == 5), "the first projector folded the new events");
        Assert.Equal(5, await Count(first, "acme"));
        await first.DisposeAsync();

        await using var second = Projector(lmdb, TimeSpan.FromMilliseconds(50));
        await second.StartAsync(default);
        Assert.Equal(4, second.ResumedAfter); // the stream's sequence of the last event the stored models hold
        await Eventually.Until(() => Task.FromResult(second.Positions.GetValueOrDefault("acme") == 5), "the second projector folded the rest");
        Assert.Equal(5, await Count(second, "acme"));
        Assert.Equal(1, await Count(second, "globex"));
        Assert.Equal(0, second.DuplicatesSkipped);
    }

    [Fact]
    public async Task a_projector_whose_stored_models_are_behind_the_stored_sequence_skips_what_it_receives_again()
    {
        using var lmdb = new LmdbReadModelStore(_data.FullName);
        await Publish("acme", 2);
        await using (var first = Projector(lmdb, TimeSpan.FromHours(1)))
        {
            await first.StartAsync(default);
            await Eventually.Until(() => Task.FromResult(first.Positions.GetValueOrDefault("acme") == 2), "the first projector folded");
        } // stopped: the models and the sequence are written

        // A model of a new version has nothing stored: the stream is consumed from its start, and the model that
        // holds the events skips them.
        var counted = ReadModel.ofRecorded("orders-v2", 1, ["OrderPlaced"], 0, FuncConvert.FromFunc<int, RecordedEvent, int>((n, _) => n + 1));
        await using var second = new NatsProjector(_bed.Broker, [Orders, counted], TimeProvider.System, NullLogger.Instance, lmdb);
        await second.StartAsync(default);
        Assert.Equal(0, second.ResumedAfter);
        await Eventually.Until(async () => (int)(await second.Read("acme", "orders-v2", "", default)).State == 2, "the new model folded the stream");
        Assert.Equal(2, await Count(second, "acme"));
    }

    /// <summary>A store whose writes can be cut off, as a process killed before its next write.</summary>
    private sealed class CuttableStore(IReadModelStore inner) : IReadModelStore
    {
        public volatile bool Cut;

        public FSharpOption<StoredInstance>? Load(ReadModelKey key) => inner.Load(key);
        public long Write(ReadModelKey key, long watermark, PieceWrite changes) => Cut ? 0 : inner.Write(key, watermark, changes);
        public void Delete(ReadModelKey key) { if (!Cut) inner.Delete(key); }
        public int[] Versions(string model) => inner.Versions(model);
        public int DeleteVersion(string model, int version) => Cut ? 0 : inner.DeleteVersion(model, version);
    }
}
