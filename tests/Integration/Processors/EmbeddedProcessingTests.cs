using System.Collections.Concurrent;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Processors;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Hybrid.Tests.Integration.Processors.TestProcessors;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// Processor hosts on the embedded LMDB store in a real temporary directory: checkpoints, emits, leases and dead letters
/// all in the store's file, as <c>UseEmbeddedStore</c> wires them, on a virtual clock.
/// </summary>
public sealed class EmbeddedProcessingTests : IDisposable
{
    private static readonly RetryPolicy TwoAttempts = new(2, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), 0.0);

    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-processors-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly List<TodoProcessorHost> _hosts = [];
    private LmdbEventStore _store;

    public EmbeddedProcessingTests() => _store = Open();

    public void Dispose()
    {
        foreach (var host in _hosts) host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.Dispose();
        _temp.Delete(recursive: true);
    }

    private LmdbEventStore Open() =>
        LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = Path.Combine(_temp.FullName, "events"), Clock = _clock });

    private ProcessorRuntime Runtime(string node) => new(_store, new LmdbLeaseStore(_store), new LmdbDeadLetterStore(_store),
        new EffectHandlers([]), _clock, new ProcessorOptions
        {
            NodeId = node,
            LeaseDuration = TimeSpan.FromSeconds(30),
            RebalanceInterval = TimeSpan.FromSeconds(5),
            PollInterval = TimeSpan.FromSeconds(1),
            BatchSize = 3,
            JitterSource = () => 0.5,
        }, NullLogger.Instance);

    private async Task<TodoProcessorHost> Node(string node, TodoProcessor processor)
    {
        var host = new TodoProcessorHost(Runtime(node), [processor]);
        _hosts.Add(host);
        await host.StartAsync(CancellationToken.None);
        return host;
    }

    private async Task Place(string tenant, params (string Order, bool Poison)[] orders)
    {
        foreach (var (order, poison) in orders)
            await _store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced(order, poison), EventMetadata.Empty)), default);
    }

    private async Task<string[]> Invoiced(string tenant) =>
        OrdersOf(await _store.Read(tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));

    private async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await condition()) return;
            _clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(10);
        }
        Assert.Fail($"Timed out waiting until {what}; invoiced in acme: {string.Join(",", await Invoiced("acme"))}, checkpoint {(await _store.ReadCheckpoint("acme", "invoicer", default)).Position}, dead letters {(await new LmdbDeadLetterStore(_store).List(null!, null!, default)).Length}.");
    }

    [Fact]
    public async Task a_poison_event_is_dead_lettered_alone_in_the_store_file_and_the_events_after_it_are_still_invoiced()
    {
        await Place("acme", ("o1", false), ("p2", true), ("o3", false), ("o4", false));
        await Node("node-a", Invoicer().WithRetry(TwoAttempts));

        await Until(async () => (await _store.ReadCheckpoint("acme", "invoicer", default)).Position >= 4, "the checkpoint passes every order");

        Assert.Equal(["o1", "o3", "o4"], await Invoiced("acme"));
        var letter = Assert.Single(await new LmdbDeadLetterStore(_store).List("acme", "invoicer", default));
        Assert.Equal((2L, 2, DeadLetterStatus.Pending), (letter.Position, letter.Attempts, letter.Status));
        Assert.Contains("p2 cannot be invoiced", letter.Error);
    }

    [Fact]
    public async Task a_dead_letter_kept_across_a_reopen_is_replayed_once_after_the_fix()
    {
        var cured = false;
        var invoicer = Invoicer(() => Volatile.Read(ref cured)).WithRetry(TwoAttempts);
        await Place("acme", ("o1", false), ("p2", true));
        var node = await Node("node-a", invoicer);
        await Until(async () => (await _store.ReadCheckpoint("acme", "invoicer", default)).Position >= 2, "p2 is passed");
        await node.StopAsync(default);
        _store.Dispose();
        _store = Open();

        Volatile.Write(ref cured, true);
        var operations = new DeadLetterOperations(Runtime("operator"), [invoicer]);
        var replayed = await operations.Replay("acme", "invoicer", 2, default);

        Assert.Equal(DeadLetterStatus.Replayed, replayed.Status);
        Assert.Equal(["o1", "p2"], await Invoiced("acme"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => operations.Replay("acme", "invoicer", 2, default));
        Assert.Equal(["o1", "p2"], await Invoiced("acme"));
    }

    [Fact]
    public async Task two_hosts_on_one_embedded_store_never_both_handle_an_event()
    {
        var handled = new ConcurrentDictionary<Guid, int>();
        var counting = Around(Invoicer(), e => handled.AddOrUpdate(e.Id, 1, (_, n) => n + 1));
        var tenants = new[] { "t1", "t2", "t3", "t4" };
        foreach (var tenant in tenants) await Place(tenant, ("a", false), ("b", false), ("c", false));
        var a = await Node("node-a", counting);
        var b = await Node("node-b", counting);
        await Until(() => Task.FromResult(a.HeldResources.Count == 2 && b.HeldResources.Count == 2), "the nodes hold two tenants each");
        Assert.Empty(a.HeldResources.Intersect(b.HeldResources));
        foreach (var tenant in tenants) await Place(tenant, ("d", false), ("e", false));

        await Until(async () =>
        {
            foreach (var tenant in tenants)
                if ((await Invoiced(tenant)).Length < 5) return false;
            return true;
        }, "every tenant's orders are invoiced");

        foreach (var tenant in tenants) Assert.Equal(["a", "b", "c", "d", "e"], await Invoiced(tenant));
        Assert.Equal(tenants.Length * 5, handled.Count);
        Assert.All(handled, e => Assert.Equal(1, e.Value));
    }

    [Fact]
    public async Task a_node_crashed_mid_run_and_a_reopened_store_emit_each_invoice_once()
    {
        var slow = Around(Invoicer(), _ => Thread.Sleep(5));
        await Place("acme", [.. Enumerable.Range(1, 12).Select(i => ($"o{i}", false))]);
        var node = await Node("node-a", slow);
        await Until(async () => (await Invoiced("acme")).Length >= 3, "some invoices exist");
        await node.CrashAsync();
        _hosts.Remove(node);
        _store.Dispose();
        _store = Open();

        _clock.Advance(TimeSpan.FromSeconds(31)); // the crashed node's lease expires
        await Node("node-b", slow);
        await Until(async () => (await Invoiced("acme")).Length >= 12
            && (await _store.ReadCheckpoint("acme", "invoicer", default)).Position == 12, "every order is invoiced and passed");

        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"o{i}"), await Invoiced("acme"));
    }

    [Fact]
    public async Task a_host_stopped_then_disposed_after_its_store_was_closed_does_not_touch_the_store_again()
    {
        await Place("acme", ("o1", false));
        var node = await Node("node-a", Invoicer());
        await Until(async () => (await Invoiced("acme")).Length == 1, "o1 is invoiced");
        await node.StopAsync(default);
        _hosts.Remove(node);
        _store.Dispose();

        await node.DisposeAsync(); // used to release the node's heartbeat lease a second time, in a closed store

        _store = Open();
        Assert.Empty(await new LmdbLeaseStore(_store).List("", default));
    }
}
