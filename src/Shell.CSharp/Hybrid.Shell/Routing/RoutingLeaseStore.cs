using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Routing;

/// <summary>
/// Leases over the databases of a tenancy map. <see cref="ByTenant"/> puts a tenant's processor lease
/// (<c>processor/{name}/tenant:{tenant}</c>) in the tenant's database and every other lease (node heartbeats, shards) in the
/// first database, and lists the leases of every reachable database; <see cref="Pinned"/> keeps every lease in one
/// database, as the processor host of that database does.
/// </summary>
public sealed class RoutingLeaseStore : ILeaseStore
{
    private readonly TenantDatabases _databases;
    private readonly Func<string, CancellationToken, ValueTask<string>> _databaseOf;
    private readonly IReadOnlyList<string> _listed;

    private RoutingLeaseStore(TenantDatabases databases, Func<string, CancellationToken, ValueTask<string>> databaseOf, IReadOnlyList<string> listed)
    {
        _databases = databases;
        _databaseOf = databaseOf;
        _listed = listed;
    }

    /// <summary>Leases in the database of the tenant their resource names (the first database for the others).</summary>
    public static RoutingLeaseStore ByTenant(ITenancyMap map, TenantDatabases databases) =>
        new(databases, async (resource, ct) =>
        {
            var tenant = TenantOf(resource);
            if (tenant is null) return databases.Names[0];
            try { return await map.DatabaseOf(tenant, ct); }
            catch (UnknownTenantException) { return databases.Names[0]; }
        }, databases.Names);

    /// <summary>Every lease in one database.</summary>
    public static RoutingLeaseStore Pinned(TenantDatabases databases, string database) =>
        new(databases, (_, _) => ValueTask.FromResult(database), [database]);

    /// <summary>The tenant of a per-tenant processor lease resource (<c>processor/{name}/tenant:{tenant}</c>), or null.</summary>
    internal static string? TenantOf(string resource)
    {
        const string unit = "/tenant:";
        if (!resource.StartsWith(TodoProcessorModule.allLeasesPrefix, StringComparison.Ordinal)) return null;
        var at = resource.LastIndexOf(unit, StringComparison.Ordinal);
        return at < TodoProcessorModule.allLeasesPrefix.Length || at + unit.Length == resource.Length ? null : resource[(at + unit.Length)..];
    }

    private async Task<ILeaseStore> For(string resource, CancellationToken ct) =>
        (await _databases.Open(await _databaseOf(resource, ct), ct)).Leases;

    /// <inheritdoc />
    public async Task<FSharpOption<Lease>> TryAcquire(string resource, string owner, TimeSpan duration, CancellationToken ct) =>
        await (await For(resource, ct)).TryAcquire(resource, owner, duration, ct);

    /// <inheritdoc />
    public async Task<FSharpOption<Lease>> Renew(Lease lease, TimeSpan duration, CancellationToken ct) =>
        await (await For(lease.Resource, ct)).Renew(lease, duration, ct);

    /// <inheritdoc />
    public async Task Release(Lease lease, CancellationToken ct) => await (await For(lease.Resource, ct)).Release(lease, ct);

    /// <summary>The held leases under the prefix in every listed database; a single pinned database's failure is thrown, others skip unreachable databases.</summary>
    public async Task<Lease[]> List(string prefix, CancellationToken ct)
    {
        var leases = new List<Lease>();
        foreach (var name in _listed)
        {
            try { leases.AddRange(await (await _databases.Open(name, ct)).Leases.List(prefix, ct)); }
            catch (Exception e) when (_listed.Count > 1 && StoreFailures.IsUnavailable(e)) { }
        }
        return leases.ToArray();
    }

    /// <inheritdoc />
    public async Task<int> ForgetNodes(TimeSpan goneFor, CancellationToken ct)
    {
        var forgotten = 0;
        foreach (var name in _listed)
        {
            try { forgotten += await (await _databases.Open(name, ct)).Leases.ForgetNodes(goneFor, ct); }
            catch (Exception e) when (_listed.Count > 1 && StoreFailures.IsUnavailable(e)) { }
        }
        return forgotten;
    }

    /// <inheritdoc />
    /// <remarks>A tenant's pause goes to the tenant's database; a pause of every tenant to every listed database.</remarks>
    public async Task<bool> Pause(string processor, string tenant, CancellationToken ct)
    {
        if (tenant != Pausing.everyTenant)
            return await (await For($"processor/{processor}/tenant:{tenant}", ct)).Pause(processor, tenant, ct);
        var paused = false;
        foreach (var name in _listed) paused |= await (await _databases.Open(name, ct)).Leases.Pause(processor, tenant, ct);
        return paused;
    }

    /// <inheritdoc />
    public async Task<bool> Resume(string processor, string tenant, CancellationToken ct)
    {
        if (tenant != Pausing.everyTenant)
            return await (await For($"processor/{processor}/tenant:{tenant}", ct)).Resume(processor, tenant, ct);
        var resumed = false;
        foreach (var name in _listed) resumed |= await (await _databases.Open(name, ct)).Leases.Resume(processor, tenant, ct);
        return resumed;
    }

    /// <summary>The pauses of every listed database (one per processor and tenant); unreachable databases are skipped when several are listed.</summary>
    public async Task<ProcessorPause[]> Pauses(CancellationToken ct)
    {
        var pauses = new Dictionary<(string, string), ProcessorPause>();
        foreach (var name in _listed)
        {
            try
            {
                foreach (var pause in await (await _databases.Open(name, ct)).Leases.Pauses(ct)) pauses.TryAdd((pause.Processor, pause.Tenant), pause);
            }
            catch (Exception e) when (_listed.Count > 1 && StoreFailures.IsUnavailable(e)) { }
        }
        return pauses.Values.OrderBy(p => p.Processor, StringComparer.Ordinal).ThenBy(p => p.Tenant, StringComparer.Ordinal).ToArray();
    }
}
