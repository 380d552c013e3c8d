using Hybrid.InMemory.EventStore;
using Hybrid.Tests.TestDomain.ReadModels;
using static Hybrid.Tests.TestDomain.ReadModels.CounterEvents;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>Appends counter events to a log (in memory unless given) and answers with the reference folds.</summary>
public sealed class CounterLog(IEventStore? store = null)
{
    private int _ids;

    public IEventStore Store { get; } = store ?? new InMemoryEventStore();

    public void Count(string tenant, string key, int amount, string group = "x") =>
        Append(tenant, CounterEvent.NewCounted(key, amount, group));

    public void Move(string tenant, string key, string group) => Append(tenant, CounterEvent.NewMoved(key, group));

    public void Append(string tenant, params CounterEvent[] events)
    {
        var proposed = events.Select(e => new ProposedEvent(Guid.CreateVersion7(), toData(e), EventMetadata.Empty)).ToArray();
        Interlocked.Add(ref _ids, proposed.Length);
        Store.Append(AppendRequest.Of(tenant, proposed), CancellationToken.None).GetAwaiter().GetResult();
    }

    public RecordedEvent[] Log(string tenant, long upTo = long.MaxValue) =>
        Store.Read(tenant, EventQuery.All, CancellationToken.None).GetAwaiter().GetResult().Where(e => e.Position <= upTo).ToArray();

    public object Counters(string tenant, long upTo = long.MaxValue) => CounterModels.Reference.counters(Log(tenant, upTo));

    public object Summary(string tenant, long upTo = long.MaxValue) => CounterModels.Reference.summary(Log(tenant, upTo));
}
