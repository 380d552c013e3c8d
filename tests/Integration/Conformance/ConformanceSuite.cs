using Microsoft.FSharp.Core;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// The base of every conformance class: the store under test, a fresh tenant per test, and small helpers that
/// assert through the public <see cref="IEventStore"/> contract only, so the same tests run against every store.
/// </summary>
public abstract class ConformanceSuite(IEventStoreFactory factory) : IAsyncLifetime
{
    private IEventStore? _store;

    /// <summary>The store under test.</summary>
    protected IEventStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A tenant no other test uses.</summary>
    protected string Tenant { get; } = Tenants.Fresh();

    /// <summary>How long a test waits for something that should happen at once before it fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public virtual async Task InitializeAsync() => _store = await factory.CreateAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected static CancellationToken Ct => CancellationToken.None;

    protected Task<AppendResult> Append(AppendCondition condition, params EventData[] events) =>
        AppendTo(Tenant, condition, events);

    protected Task<AppendResult> AppendTo(string tenant, AppendCondition condition, params EventData[] events) =>
        Store.Append(AppendRequest.Of(tenant, TestEvents.Propose(events)).When(condition), Ct);

    /// <summary>Appends and asserts it was written; returns the recorded events.</summary>
    protected async Task<RecordedEvent[]> AppendOk(AppendCondition condition, params EventData[] events) =>
        Written(await Append(condition, events));

    /// <summary>Appends without a condition and asserts it was written.</summary>
    protected Task<RecordedEvent[]> AppendOk(params EventData[] events) => AppendOk(AppendCondition.NoCondition, events);

    /// <summary>Appends to another tenant without a condition and asserts it was written.</summary>
    protected async Task<RecordedEvent[]> AppendOkTo(string tenant, params EventData[] events) =>
        Written(await AppendTo(tenant, AppendCondition.NoCondition, events));

    /// <summary>Appends, asserts the condition failed and that nothing was written; returns the failure.</summary>
    protected async Task<ConditionFailure> AppendFails(AppendCondition condition, params EventData[] events)
    {
        var head = await Store.GetHead(Tenant, Ct);
        var failure = Failed(await Append(condition, events));
        Assert.Equal(head, await Store.GetHead(Tenant, Ct));
        return failure;
    }

    protected static RecordedEvent[] Written(AppendResult result)
    {
        if (result is AppendResult.ConditionFailed failed)
            Assert.Fail($"Expected the append to be written, but it failed: {failed.Item.Reason}");
        return ((AppendResult.Appended)result).Item;
    }

    protected static ConditionFailure Failed(AppendResult result)
    {
        if (result is AppendResult.Appended appended)
            Assert.Fail($"Expected the append to fail, but it wrote {appended.Item.Length} events.");
        return ((AppendResult.ConditionFailed)result).Item;
    }

    protected Task<RecordedEvent[]> ReadAll(EventQuery? query = null) => Store.Read(Tenant, query ?? EventQuery.All, Ct);

    protected Task<RecordedEvent[]> ReadStream(string stream) => Store.ReadStream(Tenant, StreamRead.Forward(stream), Ct);

    protected Task<RecordedEvent[]> ReadStream(string stream, long after, long before, Direction direction, int limit) =>
        Store.ReadStream(Tenant, new StreamRead(stream, after, before, direction, limit), Ct);

    protected Task<long> Head() => Store.GetHead(Tenant, Ct);

    protected static AppendCondition Expect(string stream, ExpectedVersion expected) => AppendCondition.Expect(stream, expected);

    protected static ExpectedVersion Exact(long version) => ExpectedVersion.NewExact(version);

    protected static EventQuery Query(long after, long before, Direction direction, int limit, params QueryItem[] items) =>
        new(items, after, before, direction, limit);

    protected static FSharpOption<T> Some<T>(T value) => FSharpOption<T>.Some(value);

    protected static Guid[] Ids(IEnumerable<RecordedEvent> events) => events.Select(e => e.Id).ToArray();

    protected static long[] Positions(IEnumerable<RecordedEvent> events) => events.Select(e => e.Position).ToArray();
}
