using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Every store records an event's time to the microsecond (the finest PostgreSQL keeps), so the same clock reading
/// gives the same timestamp in every store, and the append's result and every read of the event agree on it.
/// </summary>
public abstract class TimestampConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    [Fact]
    public async Task timestamps_are_whole_microseconds_and_the_same_in_the_result_and_every_read()
    {
        var written = new List<RecordedEvent>();
        for (var i = 0; i < 20; i++) written.AddRange(await AppendOk(Of("Stamped", "clock-1")));

        Assert.All(written, e => Assert.Equal(0, e.Timestamp.UtcTicks % 10));
        Assert.All(written, e => Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset));
        var stamps = written.Select(e => e.Timestamp).ToArray();
        Assert.Equal(stamps, (await ReadAll()).Select(e => e.Timestamp));
        Assert.Equal(stamps, (await Store.ReadStream(Tenant, StreamRead.Forward("clock-1"), Ct)).Select(e => e.Timestamp));
        Assert.Equal(stamps[3], Assert.Single(await Store.ReadById(Tenant, written[3].Id, Ct)).Timestamp);
    }
}
