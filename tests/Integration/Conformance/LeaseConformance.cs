namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Leases, as every node relies on them whatever the store: one holder per resource however many nodes race for it,
/// a new fencing token for every grant (after a release, an expiry, or to the same node again once its lease
/// expired), and a holder that lost its lease can neither renew nor release the grant that replaced it.
/// </summary>
public abstract class LeaseConformance(ILeaseStoreFactory factory) : IAsyncLifetime
{
    private ILeaseStore? _leases;

    private ILeaseStore Leases => _leases ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A resource no other test uses (the stores are shared).</summary>
    private readonly string _resource = $"processor/conformance-{Guid.NewGuid():N}/tenant:acme";

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>Short enough to wait out, long enough to outlive a slow round trip on a busy machine.</summary>
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(600);

    public async Task InitializeAsync() => _leases = await factory.CreateLeasesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Lease> Acquired(string owner, TimeSpan duration) =>
        (await Leases.TryAcquire(_resource, owner, duration, default))?.Value ?? throw new Xunit.Sdk.XunitException($"'{owner}' did not get {_resource}.");

    private async Task<string[]> Holders() => (await Leases.List(_resource, default)).Select(l => l.Owner).ToArray();

    [Fact]
    public async Task nodes_racing_for_a_free_lease_get_it_once_between_them()
    {
        var owners = Enumerable.Range(1, 8).Select(i => $"node-{i}").ToArray();
        var grants = await Task.WhenAll(owners.Select(owner => Task.Run(() => Leases.TryAcquire(_resource, owner, Long, default))));

        var winner = Assert.Single(grants, g => g is not null).Value;
        Assert.Equal([winner.Owner], await Holders());
        Assert.All(owners.Where(o => o != winner.Owner), owner => Assert.Null(Leases.TryAcquire(_resource, owner, Long, default).GetAwaiter().GetResult()));
    }

    [Fact]
    public async Task the_holder_takes_its_lease_again_with_the_same_token_and_others_are_refused_until_it_is_released()
    {
        var first = await Acquired("node-a", Long);
        Assert.Equal(first.FencingToken, (await Acquired("node-a", Long)).FencingToken);
        Assert.Null(await Leases.TryAcquire(_resource, "node-b", Long, default));
        var renewed = (await Leases.Renew(first, Long, default))!.Value;
        Assert.Equal(first.FencingToken, renewed.FencingToken);

        await Leases.Release(first, default);
        Assert.Empty(await Holders());
        var next = await Acquired("node-b", Long);
        Assert.Equal(first.FencingToken + 1, next.FencingToken);
    }

    [Fact]
    public async Task a_holder_whose_lease_expired_and_was_granted_again_can_neither_renew_nor_release_the_new_grant()
    {
        var stale = await Acquired("node-a", Short);
        await Task.Delay(Short * 2);
        Assert.Empty(await Holders());
        var current = await Acquired("node-b", Long);
        Assert.True(current.FencingToken > stale.FencingToken);

        Assert.Null(await Leases.Renew(stale, Long, default));
        await Leases.Release(stale, default);
        Assert.Equal(["node-b"], await Holders());
        Assert.Null(await Leases.TryAcquire(_resource, "node-a", Long, default));
        Assert.NotNull(await Leases.Renew(current, Long, default));
    }

    [Fact]
    public async Task a_node_that_takes_its_own_expired_lease_again_gets_a_new_token_and_its_old_lease_cannot_be_renewed()
    {
        var old = await Acquired("node-a", Short);
        await Task.Delay(Short * 2);

        var again = await Acquired("node-a", Long);
        Assert.Equal(old.FencingToken + 1, again.FencingToken); // what the old run still writes with its token is refused
        Assert.Null(await Leases.Renew(old, Long, default));
        await Leases.Release(old, default);
        Assert.Equal(["node-a"], await Holders());
    }

    [Fact]
    public async Task a_released_lease_cannot_be_renewed_and_an_expired_one_is_not_listed()
    {
        var released = await Acquired("node-a", Long);
        await Leases.Release(released, default);
        Assert.Null(await Leases.Renew(released, Long, default));
        Assert.Empty(await Holders());

        var expiring = await Acquired("node-b", Short);
        Assert.Equal(["node-b"], await Holders());
        await Task.Delay(Short * 2);
        Assert.Empty(await Holders());
        Assert.Null(await Leases.Renew(expiring, Long, default));
    }
}
