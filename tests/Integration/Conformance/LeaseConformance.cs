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

    [Theory]
    [InlineData("", "acme", "processor")]
    [InlineData(null, "acme", "processor")]
    [InlineData("bad name", "acme", "processor")]
    [InlineData("-invoicer", "acme", "processor")]
    [InlineData("invoicer", "bad tenant", "tenant")]
    [InlineData("invoicer", null, "tenant")]
    [InlineData("invoicer", "-acme", "tenant")]
    public async Task a_pause_or_resume_naming_a_bad_processor_or_tenant_is_refused_alike_and_nothing_is_paused(string? processor, string? tenant, string field)
    {
        var paused = await Assert.ThrowsAsync<InvalidInputException>(() => Leases.Pause(processor!, tenant!, default));
        var resumed = await Assert.ThrowsAsync<InvalidInputException>(() => Leases.Resume(processor!, tenant!, default));
        Assert.Equal(field, paused.Field);
        Assert.Equal(paused.Message, resumed.Message);
        Assert.DoesNotContain(await Leases.Pauses(default), p => p.Processor == processor && p.Tenant == tenant);
    }

    [Fact]
    public async Task a_processor_name_of_the_longest_length_pauses_and_resumes_for_every_tenant()
    {
        var processor = "p" + Guid.NewGuid().ToString("N") + new string('x', Limits.NameLength - 33);
        Assert.True(await Leases.Pause(processor, Pausing.everyTenant, default));
        Assert.Contains(await Leases.Pauses(default), p => p.Processor == processor && p.Tenant == Pausing.everyTenant);
        Assert.True(await Leases.Resume(processor, Pausing.everyTenant, default));
        Assert.DoesNotContain(await Leases.Pauses(default), p => p.Processor == processor);
        await Assert.ThrowsAsync<InvalidInputException>(() => Leases.Pause(processor + "x", Pausing.everyTenant, default));
    }

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

    public static TheoryData<string, string, double, string> BadRequests => new()
    {
        { "", "node-a", 30, "resource" },
        { @"processor/p/tenant:acme\u0000x", "node-a", 30, "resource" },
        { @"processor/\ud800/tenant:acme", "node-a", 30, "resource" },
        { new string('r', Limits.LeaseResourceLength + 1), "node-a", 30, "resource" },
        { "processor/p/tenant:acme", "", 30, "owner" },
        { "processor/p/tenant:acme", new string('n', Limits.LeaseOwnerLength + 1), 30, "owner" },
        { "processor/p/tenant:acme", @"node\u0001", 30, "owner" },
        { "processor/p/tenant:acme", "node-a", 0, "duration" },
        { "processor/p/tenant:acme", "node-a", -1, "duration" },
        { "processor/p/tenant:acme", "node-a", 86_401, "duration" },
    };

    [Theory, MemberData(nameof(BadRequests))]
    public async Task a_bad_lease_request_is_refused_alike_by_every_store_naming_its_field(string resource, string owner, double seconds, string field)
    {
        resource = System.Text.RegularExpressions.Regex.Unescape(resource);
        owner = System.Text.RegularExpressions.Regex.Unescape(owner);
        var duration = TimeSpan.FromSeconds(seconds);

        var acquire = await Assert.ThrowsAsync<InvalidInputException>(() => Leases.TryAcquire(resource, owner, duration, default));
        var renew = await Assert.ThrowsAsync<InvalidInputException>(() => Leases.Renew(new Lease(resource, owner, 1, DateTimeOffset.UnixEpoch), duration, default));

        Assert.Equal(field, acquire.Field);
        Assert.Equal(field, renew.Field);
        if (field != "duration")
            Assert.Equal(field, (await Assert.ThrowsAsync<InvalidInputException>(() => Leases.Release(new Lease(resource, owner, 1, DateTimeOffset.UnixEpoch), default))).Field);
    }

    [Fact]
    public async Task the_longest_lease_resource_and_owner_and_duration_the_limits_allow_are_granted()
    {
        // 3 UTF-8 bytes a character: the longest key a lease can make.
        var resource = _resource + new string('\u00e9', Limits.LeaseResourceLength - _resource.Length);
        var owner = new string('\u4e2d', Limits.LeaseOwnerLength);

        var lease = (await Leases.TryAcquire(resource, owner, Limits.LeaseDuration, default))!.Value;

        Assert.Equal(owner, Assert.Single(await Leases.List(resource, default)).Owner);
        Assert.NotNull(await Leases.Renew(lease, Limits.LeaseDuration, default));
        await Leases.Release(lease, default);
        Assert.Empty(await Leases.List(resource, default));
    }
}
