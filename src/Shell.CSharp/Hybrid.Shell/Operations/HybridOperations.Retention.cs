using Hybrid.Shell.Lifecycle;

namespace Hybrid.Shell.Operations;

/// <summary>Retention on demand: what the policies expire now (a dry run), and running them now.</summary>
public sealed partial class HybridOperations
{
    /// <summary>The retention job of the application (<c>AddHybrid</c> sets it); none: no policies.</summary>
    public RetentionJob? Retention { get; init; }

    /// <summary>The retention policies, empty when none are declared.</summary>
    public IReadOnlyList<RetentionPolicy> RetentionPolicies => Retention?.Policies ?? [];

    /// <summary>What retention would purge now in the tenant (or every tenant), per event type; changes nothing.</summary>
    public async Task<IReadOnlyList<RetentionPreview>> PreviewRetention(string? tenant, CancellationToken ct)
    {
        var rows = new List<RetentionPreview>();
        if (Retention is null) return rows;
        foreach (var t in await RetentionTenants(tenant, ct))
            rows.AddRange(Summary(t, await Retention.ExpiredAsync(t, ct)));
        return rows;
    }

    /// <summary>
    /// Runs retention now in the tenant (or every tenant, reporting progress per tenant): purges what the policies
    /// expire, with an audit event per tenant that had any. Returns what was purged, per event type.
    /// </summary>
    public async Task<IReadOnlyList<RetentionPreview>> ApplyRetention(string? tenant, IProgress<OperationProgress>? progress, CancellationToken ct)
    {
        var rows = new List<RetentionPreview>();
        if (Retention is null) return rows;
        var tenants = await RetentionTenants(tenant, ct);
        for (var i = 0; i < tenants.Length; i++)
        {
            var expired = await Retention.ExpiredAsync(tenants[i], ct);
            if (expired.Length > 0 && await Retention.ApplyAsync(tenants[i], ct) is PurgeResult.Purged purged)
            {
                var done = purged.positions.ToHashSet();
                rows.AddRange(Summary(tenants[i], expired.Where(e => done.Contains(e.Position))));
            }
            progress?.Report(new OperationProgress("retention", i + 1, tenants.Length));
        }
        return rows;
    }

    private async Task<string[]> RetentionTenants(string? tenant, CancellationToken ct)
    {
        if (tenant is null) return await Tenants(ct);
        await KnownTenant(tenant, ct);
        return [tenant];
    }

    private static IEnumerable<RetentionPreview> Summary(string tenant, IEnumerable<RecordedEvent> expired) =>
        expired.GroupBy(e => e.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
            new RetentionPreview(tenant, g.Key, g.Count(), g.Min(e => e.Position), g.Max(e => e.Position), g.Min(e => e.Timestamp)));
}
