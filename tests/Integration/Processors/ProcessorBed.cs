using System.Collections.Concurrent;
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// In-memory stores on one virtual clock, shared by any number of processor hosts (nodes), with effect handlers that
/// record what they did. <see cref="Until"/> advances virtual time in small steps while the engines catch up.
/// </summary>
internal sealed class ProcessorBed : IAsyncDisposable
{
    private readonly List<TodoProcessorHost> _hosts = [];
    private int _nodes;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    public InMemoryEventStore Store { get; }
    public InMemoryLeaseStore Leases { get; }
    public InMemoryDeadLetterStore DeadLetters { get; } = new();
    public ConcurrentQueue<(string Kind, string Tenant, string Order)> Performed { get; } = new();

    /// <summary>Called by effect handlers before they record; tests use it to block or fail an effect.</summary>
    public Func<EffectContext, CancellationToken, Task> BeforeEffect { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Called by effect handlers after they recorded (the effect took place); tests use it to simulate a crash after it.</summary>
    public Func<EffectContext, CancellationToken, Task> AfterEffect { get; set; } = (_, _) => Task.CompletedTask;

    public ProcessorBed()
    {
        Store = new InMemoryEventStore(Clock);
        Leases = new InMemoryLeaseStore(Clock);
    }

    public ProcessorOptions Options(string node) => new()
    {
        NodeId = node,
        LeaseDuration = TimeSpan.FromSeconds(30),
        RebalanceInterval = TimeSpan.FromSeconds(5),
        PollInterval = TimeSpan.FromSeconds(2),
        BatchSize = 4,
        JitterSource = new Random(7).NextDouble,
    };

    /// <summary>What lookups read besides the store (null: none), for hosts started after it is set.</summary>
    public IReadModelViews? Views { get; set; }

    /// <summary>The queries lookups may run (null: none), for hosts started after it is set.</summary>
    public Shell.Queries.QueryProcessor? Queries { get; set; }

    public ProcessorRuntime Runtime(ProcessorOptions options, IEventStore? store = null) => new(store ?? Store, Leases, DeadLetters, new EffectHandlers(
    [
        new DelegateEffectHandler(Tests.TestDomain.Ordering.Effects.Mail, (c, ct) => Perform(c, ct)),
        new DelegateEffectHandler(Tests.TestDomain.Ordering.Effects.Charge, (c, ct) => Perform(c, ct)),
    ]), Clock, options, NullLogger.Instance, Views, Queries);

    private async Task Perform(EffectContext context, CancellationToken ct)
    {
        await BeforeEffect(context, ct);
        Performed.Enqueue((context.Intent.Kind, context.Tenant, (string)context.Intent.Payload));
        await AfterEffect(context, ct);
    }

    /// <summary>A started host (node) running the processors.</summary>
    public Task<TodoProcessorHost> Node(params TodoProcessor[] processors) => NodeOver(Store, processors);

    /// <summary>A started host running the processors over another view of the store (an upcasting decorator).</summary>
    public async Task<TodoProcessorHost> NodeOver(IEventStore store, params TodoProcessor[] processors)
    {
        var host = new TodoProcessorHost(Runtime(Options($"node-{++_nodes}"), store), processors);
        _hosts.Add(host);
        await host.StartAsync(CancellationToken.None);
        return host;
    }

    /// <summary>Appends events to a tenant, each with a fresh id.</summary>
    public async Task<RecordedEvent[]> Append(string tenant, params EventData[] events) =>
        (await Store.Append(AppendRequest.Of(tenant, events.Select(e => new ProposedEvent(Guid.CreateVersion7(), e, EventMetadata.Empty)).ToArray()), default)).Events;

    /// <summary>The tenant's events of a type.</summary>
    public Task<RecordedEvent[]> OfType(string tenant, string type) => Store.Read(tenant, EventQuery.OfTypes(type), default);

    public async Task Place(string tenant, params (string Order, bool Poison)[] orders)
    {
        foreach (var (order, poison) in orders)
        {
            var data = Tests.TestDomain.Ordering.orderPlaced(order, poison);
            var appended = await Store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), data, EventMetadata.Empty)), default);
            Assert.True(appended.IsAppended);
        }
    }

    public async Task<RecordedEvent[]> Invoices(string tenant) =>
        await Store.Read(tenant, EventQuery.OfTypes(Tests.TestDomain.Ordering.Types.InvoiceIssued), default);

    /// <summary>Advances virtual time in steps until the condition holds; fails after about 10 s of real time.</summary>
    public async Task Until(Func<Task<bool>> condition, string what, TimeSpan? step = null)
    {
        for (var i = 0; i < 1000; i++)
        {
            if (await condition()) return;
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(500));
            await Task.Delay(10);
        }
        Assert.Fail($"Timed out waiting until {what}.");
    }

    public Task Until(Func<bool> condition, string what, TimeSpan? step = null) => Until(() => Task.FromResult(condition()), what, step);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts) await host.DisposeAsync();
    }
}

/// <summary>Helpers to build processor variants in tests.</summary>
internal static class TestProcessors
{
    public static TodoProcessor Invoicer(Func<bool>? cured = null) =>
        Tests.TestDomain.Ordering.invoicer(Microsoft.FSharp.Core.FuncConvert.FromFunc(cured ?? (() => false)));

    /// <summary>The processor with a hook called before its handler (to count, block or fail).</summary>
    public static TodoProcessor Around(TodoProcessor processor, Action<RecordedEvent> before) =>
        processor.WithHandler((c, e) =>
        {
            before(e);
            return Microsoft.FSharp.Core.FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(processor.Handle, c, e);
        });

    public static TodoProcessor WithRetry(TodoProcessor processor, RetryPolicy retry) => processor.WithRetry(retry);

    public static string[] OrdersOf(IEnumerable<RecordedEvent> events) =>
        events.Select(i => System.Text.Json.JsonDocument.Parse(i.Body).RootElement.GetProperty("order").GetString()!).ToArray();
}
