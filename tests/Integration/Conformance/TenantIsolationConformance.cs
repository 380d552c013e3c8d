using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Every operation names a tenant; nothing crosses tenants.</summary>
public abstract class TenantIsolationConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private readonly string _other = Tenants.Fresh();

    [Fact]
    public async Task each_tenant_reads_only_its_own_events_and_streams()
    {
        var mine = await AppendOk(Of("Created", "order-1", "customer:1"));
        var theirs = await AppendOkTo(_other, Of("Created", "order-1", "customer:1"), Of("Paid", "order-1"));
        Assert.Equal(Ids(mine), Ids(await ReadAll()));
        Assert.Equal(Ids(theirs), Ids(await Store.Read(_other, EventQuery.All, Ct)));
        Assert.Equal(Ids(mine), Ids(await ReadStream("order-1")));
        Assert.Equal(Ids(mine), Ids(await ReadAll(EventQuery.OfTags("customer:1"))));
        Assert.Equal(1, (await Store.GetStreamState(Tenant, "order-1", Ct)).Version);
        Assert.Equal(2, (await Store.GetStreamState(_other, "order-1", Ct)).Version);
    }

    [Fact]
    public async Task positions_are_per_tenant_and_each_starts_at_one()
    {
        await AppendOk(Of("A"), Of("B"), Of("C"));
        var theirs = await AppendOkTo(_other, Of("A"), Of("B"));
        Assert.Equal([1L, 2L], Positions(theirs));
        Assert.Equal(3, await Head());
        Assert.Equal(2, await Store.GetHead(_other, Ct));
    }

    [Fact]
    public async Task tenants_with_events_are_listed()
    {
        var silent = Tenants.Fresh();
        await AppendOk(Of("A"));
        await AppendOkTo(_other, Of("A"));
        await Store.ReadCheckpoint(silent, "p", Ct);
        var tenants = await Store.GetTenants(Ct);
        Assert.Contains(Tenant, tenants);
        Assert.Contains(_other, tenants);
        Assert.DoesNotContain(silent, tenants);
        Assert.Equal(tenants.Length, tenants.Distinct().Count());
    }

    [Fact]
    public async Task conditions_see_only_their_tenants_events()
    {
        await AppendOkTo(_other, Of("Created", "order-1", "seat:1"));
        await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"));
        await AppendOk(AppendCondition.NothingNewSince(EventQuery.OfTags("seat:1"), 0), Of("Reserved", null, "seat:1"));
        await AppendOk(AppendCondition.Where(EventQuery.OfTags("seat:1"), es => es.Length == 1, "only mine"), Of("Noted"));
    }

    [Fact]
    public async Task deleting_a_stream_in_one_tenant_leaves_the_same_stream_of_another()
    {
        await AppendOk(Of("Created", "order-1"));
        await AppendOkTo(_other, Of("Created", "order-1"));
        Assert.IsType<DeleteResult.StreamDeleted>(await Store.DeleteStream(Tenant, "order-1", ExpectedVersion.Any, Ct));
        Assert.Empty(await ReadStream("order-1"));
        Assert.Single(await Store.ReadStream(_other, StreamRead.Forward("order-1"), Ct));
    }

    [Fact]
    public async Task concurrent_writers_in_different_tenants_each_get_gapless_positions()
    {
        var tenants = Enumerable.Range(0, 6).Select(_ => Tenants.Fresh()).ToArray();
        await Task.WhenAll(tenants.Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++) Written(await AppendTo(t, AppendCondition.NoCondition, Of("A"), Of("B")));
        })));
        foreach (var t in tenants)
            Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), Positions(await Store.Read(t, EventQuery.All, Ct)));
    }

    [Fact]
    public async Task tenants_whose_ids_extend_another_or_differ_only_in_case_are_separate_tenants()
    {
        // Keys built from a tenant id and a position must not let a scan for one tenant run into a longer id, nor
        // fold case: every id here is a tenant of its own, with one event on the same stream and tag.
        string[] tenants = [Tenant, Tenant + "0", Tenant + ".x", Tenant + "_", Tenant.ToUpperInvariant()];
        var written = new Dictionary<string, RecordedEvent>();
        foreach (var tenant in tenants)
            written[tenant] = Assert.Single(await AppendOkTo(tenant, Of($"Of-{tenants.ToList().IndexOf(tenant)}", "order-1", "customer:1")));

        foreach (var tenant in tenants)
        {
            var own = written[tenant];
            Assert.Equal([own.Id], Ids(await Store.Read(tenant, EventQuery.All, Ct)));
            Assert.Equal([own.Id], Ids(await Store.Read(tenant, EventQuery.All.Backwards(), Ct)));
            Assert.Equal([own.Id], Ids(await Store.Read(tenant, EventQuery.OfTags("customer:1"), Ct)));
            Assert.Equal([own.Id], Ids(await Store.ReadStream(tenant, StreamRead.Forward("order-1"), Ct)));
            Assert.Equal(1, await Store.GetHead(tenant, Ct));
            Assert.Equal(1, (await Store.GetStreamState(tenant, "order-1", Ct)).Version);
            foreach (var other in tenants.Where(t => t != tenant))
                Assert.Empty(await Store.ReadById(tenant, written[other].Id, Ct));
        }
        var listed = await Store.GetTenants(Ct);
        Assert.All(tenants, t => Assert.Contains(t, listed));
    }

    [Fact]
    public async Task an_event_id_used_in_another_tenant_is_a_new_event_here_never_the_other_tenants_envelope()
    {
        var id = Guid.CreateVersion7();
        var theirs = Written(await Store.Append(AppendRequest.Of(_other,
            [new ProposedEvent(id, EventData.Create("Secret", "{\"pin\":1234}", "vault-1"), EventMetadata.Empty)]), Ct));

        var mine = Written(await Store.Append(AppendRequest.Of(Tenant,
            [new ProposedEvent(id, EventData.Create("Noted", "{\"text\":\"mine\"}", "notes-1"), EventMetadata.Empty)]), Ct));

        var recorded = Assert.Single(mine);
        Assert.Equal(("Noted", "notes-1"), (recorded.Type, recorded.Stream));
        Assert.DoesNotContain("1234", recorded.Body);
        Assert.Equal("Noted", Assert.Single(await ReadAll()).Type);
        Assert.Equal("Secret", Assert.Single(await Store.Read(_other, EventQuery.All, Ct)).Type);
        Assert.Equal(theirs[0].Body, Assert.Single(await Store.ReadById(_other, id, Ct)).Body);
        Assert.Equal("Noted", Assert.Single(await Store.ReadById(Tenant, id, Ct)).Type);
    }
}
