using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>What a store answers about tenants and streams that hold nothing.</summary>
public abstract class EmptyReadConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    [Fact]
    public async Task an_unknown_tenant_reads_as_empty_in_both_directions()
    {
        Assert.Empty(await ReadAll());
        Assert.Empty(await ReadAll(EventQuery.All.Backwards()));
        Assert.Empty(await ReadAll(EventQuery.OfTypes("Anything")));
        Assert.Equal(0, await Head());
    }

    [Fact]
    public async Task an_unknown_tenant_has_no_streams_checkpoints_or_listing()
    {
        Assert.Empty(await ReadStream("order-1"));
        Assert.Empty(await Store.ReadStream(Tenant, StreamRead.Backward("order-1"), Ct));
        var state = await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.Equal(0, state.Version);
        Assert.Equal(0, state.DeletedUpTo);
        Assert.False(state.IsLive);
        var checkpoint = await Store.ReadCheckpoint(Tenant, "projector", Ct);
        Assert.Equal(0, checkpoint.Position);
        Assert.Equal(0, checkpoint.Fence);
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
    }

    [Fact]
    public async Task reading_a_tenant_does_not_make_it_listed()
    {
        await ReadAll();
        await ReadStream("order-1");
        await Store.GetStreamState(Tenant, "order-1", Ct);
        Assert.DoesNotContain(Tenant, await Store.GetTenants(Ct));
    }

    [Fact]
    public async Task an_unwritten_stream_of_a_written_tenant_reads_as_empty()
    {
        await AppendOk(Of("Created", "order-1"));
        Assert.Empty(await ReadStream("order-2"));
        Assert.Equal(0, (await Store.GetStreamState(Tenant, "order-2", Ct)).Version);
    }

    [Fact]
    public async Task a_query_no_event_matches_reads_as_empty()
    {
        await AppendOk(Of("Created", "order-1", "customer:1"));
        Assert.Empty(await ReadAll(EventQuery.OfTypes("Shipped")));
        Assert.Empty(await ReadAll(EventQuery.OfTags("customer:2")));
        Assert.Empty(await ReadAll(EventQuery.Of(new QueryItem(["Created"], ["customer:2"]))));
    }
}
