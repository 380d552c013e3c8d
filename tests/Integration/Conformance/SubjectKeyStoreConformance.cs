using Hybrid.Shell.Lifecycle;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// The subject key store contract, on every store's key store (and through the master-key wrapper): one key per
/// (tenant, subject) however many callers race to create it, forgetting is idempotent and final, and no tenant sees
/// another's keys.
/// </summary>
public abstract class SubjectKeyStoreConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private readonly IEventStoreFactory _factory = factory;

    private Task<ISubjectKeyStore> Created() => ((ISubjectKeyStoreFactory)_factory).CreateKeysAsync();

    [Fact]
    public async Task get_or_add_keeps_the_first_key_and_try_get_returns_it()
    {
        var keys = await Created();
        var first = SubjectCipher.NewKey();
        Assert.Equal(first, await keys.GetOrAdd(Tenant, "c1", first, Ct));
        Assert.Equal(first, await keys.GetOrAdd(Tenant, "c1", SubjectCipher.NewKey(), Ct));
        Assert.Equal(first, await keys.TryGet(Tenant, "c1", Ct));
        Assert.Null(await keys.TryGet(Tenant, "c2", Ct));
    }

    [Fact]
    public async Task concurrent_get_or_add_of_one_subject_returns_one_key_to_every_caller()
    {
        var keys = await Created();
        var candidates = Enumerable.Range(0, 16).Select(_ => SubjectCipher.NewKey()).ToArray();
        var got = await Task.WhenAll(candidates.Select(c => Task.Run(() => keys.GetOrAdd(Tenant, "racer", c, Ct))));
        Assert.Single(got.Select(Convert.ToBase64String).Distinct());
        Assert.Contains(candidates, c => c.SequenceEqual(got[0]));
        Assert.Equal(got[0], await keys.TryGet(Tenant, "racer", Ct));
    }

    [Fact]
    public async Task forgetting_is_idempotent_and_a_forgotten_key_never_comes_back()
    {
        var keys = await Created();
        var original = await keys.GetOrAdd(Tenant, "c1", SubjectCipher.NewKey(), Ct);
        Assert.True(await keys.Forget(Tenant, "c1", Ct));
        Assert.False(await keys.Forget(Tenant, "c1", Ct));
        Assert.Null(await keys.TryGet(Tenant, "c1", Ct));
        var renewed = await keys.GetOrAdd(Tenant, "c1", SubjectCipher.NewKey(), Ct);
        Assert.NotEqual(original, renewed);
        Assert.False(await keys.Forget(Tenant, "never-had-one", Ct));
    }

    [Fact]
    public async Task a_tenant_never_sees_or_forgets_another_tenants_keys()
    {
        var keys = await Created();
        var other = Tenants.Fresh();
        var mine = await keys.GetOrAdd(Tenant, "shared-id", SubjectCipher.NewKey(), Ct);
        Assert.Null(await keys.TryGet(other, "shared-id", Ct));
        Assert.False(await keys.Forget(other, "shared-id", Ct));
        var theirs = await keys.GetOrAdd(other, "shared-id", SubjectCipher.NewKey(), Ct);
        Assert.NotEqual(mine, theirs);
        Assert.Equal(mine, await keys.TryGet(Tenant, "shared-id", Ct));
    }

    [Fact]
    public async Task a_malformed_tenant_or_subject_is_bad_input_naming_it()
    {
        var keys = await Created();
        Assert.Equal("tenant", (await Assert.ThrowsAsync<InvalidInputException>(() => keys.TryGet("bad tenant", "c1", Ct))).Field);
        var empty = await Assert.ThrowsAsync<InvalidInputException>(() => keys.GetOrAdd(Tenant, "", SubjectCipher.NewKey(), Ct));
        Assert.Equal("subject", empty.Field);
        Assert.Contains(Tenant, empty.Message);
        Assert.Equal("subject", (await Assert.ThrowsAsync<InvalidInputException>(() => keys.Forget(Tenant, new string('x', 101), Ct))).Field);
    }

    [Fact]
    public async Task wrapped_keys_are_stored_unreadable_and_open_only_with_their_master_key_tenant_and_subject()
    {
        var raw = await Created();
        var master = SubjectCipher.NewKey();
        var wrapped = new MasterKeySubjectKeyStore(raw, master);
        var key = await wrapped.GetOrAdd(Tenant, "c1", SubjectCipher.NewKey(), Ct);
        Assert.Equal(key, await wrapped.TryGet(Tenant, "c1", Ct));
        var stored = await raw.TryGet(Tenant, "c1", Ct);
        Assert.NotEqual(key, stored);
        Assert.False(stored.AsSpan().IndexOf(key) >= 0);
        var error = await Assert.ThrowsAsync<SubjectKeyUnopenableException>(() => new MasterKeySubjectKeyStore(raw, SubjectCipher.NewKey()).TryGet(Tenant, "c1", Ct));
        Assert.Contains(Tenant, error.Message);
        var other = Tenants.Fresh();
        await raw.GetOrAdd(other, "c1", stored, Ct);
        Assert.Contains("cannot be unwrapped", (await Assert.ThrowsAsync<SubjectKeyUnopenableException>(() => wrapped.TryGet(other, "c1", Ct))).Message);
        Assert.True(await wrapped.Forget(Tenant, "c1", Ct));
        Assert.Null(await wrapped.TryGet(Tenant, "c1", Ct));
    }
}
