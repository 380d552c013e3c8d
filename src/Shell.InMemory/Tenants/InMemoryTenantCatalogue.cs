using Hybrid.Shell.Stores;

namespace Hybrid.InMemory.Tenants;

/// <summary>The tenant catalogue in memory: the reference implementation of <see cref="ITenantCatalogue"/>.</summary>
public sealed class InMemoryTenantCatalogue(TimeProvider? clock = null) : ITenantCatalogue
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly SortedDictionary<string, TenantEntry> _entries = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> Register(string tenant, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        lock (_entries) return Task.FromResult(_entries.TryAdd(tenant, new TenantEntry(tenant, _clock.GetUtcNow())));
    }

    /// <inheritdoc />
    public Task<TenantEntry[]> List(CancellationToken ct)
    {
        lock (_entries) return Task.FromResult(_entries.Values.ToArray());
    }
}
