namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Applies retention policies to a tenant: the events the core finds expired (<see cref="Retention.expired"/>) are
/// purged through the store's one purge path, with an audit event. Call it from a periodic task or explicitly.
/// </summary>
public sealed class RetentionJob(IEventStore store, IEnumerable<RetentionPolicy> policies, TimeProvider clock, IIdSource ids)
{
    private readonly RetentionPolicy[] _policies = Validated(policies);

    private static RetentionPolicy[] Validated(IEnumerable<RetentionPolicy> policies)
    {
        var all = policies?.ToArray() ?? throw new ArgumentNullException(nameof(policies));
        foreach (var p in all)
        {
            var valid = Retention.validate(p);
            if (valid.IsError) throw new InvalidInputException(valid.ErrorValue.Field, $"Retention of '{p.EventType}': {valid.ErrorValue.Message}");
        }
        return all;
    }

    /// <summary>Purges the tenant's expired events; returns what the purge did (no purge when nothing expired).</summary>
    public async Task<PurgeResult> ApplyAsync(string tenant, CancellationToken ct = default)
    {
        var purger = store as IEventPurger ?? throw new NotSupportedException("The store cannot purge.");
        var now = clock.GetUtcNow();
        var candidates = _policies.Length == 0
            ? []
            : await store.Read(tenant, EventQuery.OfTypes(_policies.Select(p => p.EventType).ToArray()), ct).ConfigureAwait(false);
        var expired = Retention.expired(_policies, now, candidates);
        if (expired.Length == 0) return PurgeResult.NewPurged([], null);
        var reason = $"retention: {string.Join(", ", _policies.Select(p => $"{p.EventType} older than {p.MaxAge}"))}";
        if (reason.Length > Purging.ReasonLength) reason = reason[..Purging.ReasonLength];
        return await purger.Purge(new PurgeRequest(tenant, PurgeTarget.NewEventsAt(expired), reason, ids.NewId(), EventMetadata.Of("", "", "hybrid-retention")), ct).ConfigureAwait(false);
    }
}
