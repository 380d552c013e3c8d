using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.Shell.Lifecycle;

/// <summary>
/// Applies retention policies to a tenant: the events the core finds expired (<see cref="Retention.expiredEvents"/>) are
/// purged through the store's one purge path, which appends the audit event (actor "hybrid-retention", the policies
/// as the reason). <c>AddHybrid</c> runs it on the schedule of <see cref="RetentionOptions"/> as the periodic task
/// <see cref="Retention.TaskName"/> (<see cref="RunTickAsync"/>); operators preview and run it through
/// <c>HybridOperations</c>.
/// </summary>
public sealed class RetentionJob(IEventStore store, IEnumerable<RetentionPolicy> policies, TimeProvider clock, IIdSource ids, ILogger? logger = null)
{
    /// <summary>The actor of the audit events retention appends.</summary>
    public const string Actor = "hybrid-retention";

    private readonly RetentionPolicy[] _policies = Validated(store, policies);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The policies, checked; a store that cannot purge is refused up front when there are any.</summary>
    private static RetentionPolicy[] Validated(IEventStore store, IEnumerable<RetentionPolicy> policies)
    {
        var all = policies?.ToArray() ?? throw new ArgumentNullException(nameof(policies));
        var valid = Retention.validateAll(all);
        if (valid.IsError) throw new InvalidInputException(valid.ErrorValue.Field, valid.ErrorValue.Message);
        if (all.Length > 0 && store is not IEventPurger)
            throw new NotSupportedException($"Retention policies need a store that purges; {store.GetType().Name} does not.");
        return all;
    }

    /// <summary>The policies, in declaration order.</summary>
    public IReadOnlyList<RetentionPolicy> Policies => _policies;

    /// <summary>The tenant's events the policies expire now, by position (nothing is changed).</summary>
    public async Task<RecordedEvent[]> ExpiredAsync(string tenant, CancellationToken ct = default)
    {
        if (_policies.Length == 0) return [];
        var candidates = await store.Read(tenant, EventQuery.OfTypes(_policies.Select(p => p.EventType).ToArray()), ct).ConfigureAwait(false);
        return Retention.expiredEvents(_policies, clock.GetUtcNow(), candidates);
    }

    /// <summary>Purges the tenant's expired events; returns what the purge did (no purge when nothing expired).</summary>
    public Task<PurgeResult> ApplyAsync(string tenant, CancellationToken ct = default) => Apply(tenant, "", ct);

    /// <summary>
    /// The scheduled run of one tick: purges the tick's tenant, correlating the audit event with the trigger; counts
    /// runs and purged events (<c>hybrid.retention.runs</c>, <c>hybrid.retention.events_purged</c>) and logs what went.
    /// A failure is logged and counted, not thrown: retention is cumulative, so the next instant purges what this one missed.
    /// </summary>
    public async Task RunTickAsync(Tick tick, CancellationToken ct)
    {
        PurgeResult result;
        try { result = await Apply(tick.Tenant, Triggers.tag(tick.Task, tick.DueAt), ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ProcessorTelemetry.RetentionRuns.Add(1, new KeyValuePair<string, object?>("hybrid.outcome", "failed"));
            _logger.LogError(e, "Tenant {Tenant}: retention of {DueAt:O} failed; the next instant tries again.", tick.Tenant, tick.DueAt);
            return;
        }
        var purged = result is PurgeResult.Purged p ? p.positions.Length : 0;
        ProcessorTelemetry.RetentionRuns.Add(1, new KeyValuePair<string, object?>("hybrid.outcome", purged > 0 ? "purged" : "nothing"));
        if (purged > 0)
        {
            ProcessorTelemetry.RetentionPurged.Add(purged);
            _logger.LogInformation("Tenant {Tenant}: retention purged {Count} expired event(s) ({Reason}).", tick.Tenant, purged, Retention.reason(_policies));
        }
    }

    private async Task<PurgeResult> Apply(string tenant, string correlation, CancellationToken ct)
    {
        var expired = await ExpiredAsync(tenant, ct).ConfigureAwait(false);
        if (expired.Length == 0) return PurgeResult.NewPurged([], null);
        var positions = expired.Select(e => e.Position).ToArray();
        // Something expired, so there are policies, and the constructor made sure the store purges.
        return await ((IEventPurger)store).Purge(new PurgeRequest(tenant, PurgeTarget.NewEventsAt(positions), Retention.reason(_policies), ids.NewId(),
            EventMetadata.Of("", correlation, Actor)), ct).ConfigureAwait(false);
    }
}
