using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Reading one event by its id, through the store's id index.</summary>
public abstract class ReadByIdConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    [Fact]
    public async Task the_store_reads_by_id_through_its_own_index()
    {
        Assert.IsAssignableFrom<IEventByIdReader>(Store);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task an_event_is_read_by_its_id_with_its_envelope()
    {
        var written = await AppendOk(Of("A", "s-1", "k:1"), Of("B", "s-1"), Of("C"));

        var found = Assert.Single(await Store.ReadById(Tenant, written[1].Id, Ct));

        Assert.Equal((written[1].Id, written[1].Position, "B", "s-1", 2L), (found.Id, found.Position, found.Type, found.Stream, found.StreamVersion));
        Assert.Equal((await ReadAll())[1].Body, found.Body);
    }

    [Fact]
    public async Task an_unknown_id_reads_nothing()
    {
        await AppendOk(Of("A"));
        Assert.Empty(await Store.ReadById(Tenant, Guid.CreateVersion7(), Ct));
        Assert.Empty(await Store.ReadById(Tenants.Fresh(), Guid.CreateVersion7(), Ct));
    }

    [Fact]
    public async Task another_tenants_event_is_not_read_by_its_id()
    {
        var other = Tenants.Fresh();
        var theirs = await AppendOkTo(other, Of("Secret"));
        Assert.Empty(await Store.ReadById(Tenant, theirs[0].Id, Ct));
        Assert.Single(await Store.ReadById(other, theirs[0].Id, Ct));
    }

    [Fact]
    public async Task an_event_of_a_deleted_stream_is_still_read_by_its_id_as_in_all()
    {
        var written = await AppendOk(Of("A", "gone"));
        Assert.True((await Store.DeleteStream(Tenant, "gone", ExpectedVersion.Any, Ct)).IsStreamDeleted);
        Assert.Equal(written[0].Id, Assert.Single(await Store.ReadById(Tenant, written[0].Id, Ct)).Id);
    }

    [Fact]
    public async Task a_malformed_tenant_is_refused_naming_it()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Store.ReadById("bad tenant", Guid.CreateVersion7(), Ct));
        Assert.Contains("bad tenant", error.Message);
    }
}
