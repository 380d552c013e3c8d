using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Scheduling;

/// <summary>
/// Fires process-manager deadlines. Every node runs one; it folds each tenant's deadline events (scheduled, cancelled,
/// fired) into the pending deadlines (<see cref="Deadlines.apply"/>), and appends DeadlineFired for each one whose time
/// has come on its clock, under the condition that no event carries the deadline's fired tag yet: each deadline fires
/// exactly once across nodes, never before its time. Pending deadlines are events, so none is lost when a node stops:
/// a new scheduler folds them again from the log. A deadline whose time has passed fires at the next round.
/// </summary>
public sealed class DeadlineScheduler : IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly IIdSource _ids;
    private readonly TimeProvider _clock;
    private readonly DeadlineOptions _options;
    private readonly ILogger _logger;
    private readonly bool _active;
    private readonly Dictionary<string, DeadlineIndex> _indexes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;

    /// <summary>
    /// A scheduler for the deadlines of the managers; with none it never starts its loop. Throws an
    /// <see cref="ArgumentException"/> naming the first invalid option.
    /// </summary>
    public DeadlineScheduler(IEventStore store, IIdSource ids, TimeProvider clock, IEnumerable<ProcessManager> managers, DeadlineOptions options,
        ILogger logger)
    {
        options.Validate();
        (_store, _ids, _clock, _options, _logger) = (store, ids, clock, options, logger);
        _active = managers.Any();
    }

    /// <summary>The failure of the last round, or null when it succeeded.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The earliest pending deadline this scheduler knows of, if any.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_indexes)
                return _indexes.Values.Select(i => Deadlines.next(i)).Where(n => n is not null).Select(n => (DateTimeOffset?)n!.Value).Min();
        }
    }

    /// <summary>Starts the loop when there are process managers; the first round runs at once.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        _stopping = new CancellationTokenSource();
        if (_active) _loop = Loop(_stopping.Token);
        return Task.CompletedTask;
    }

    private Task Loop(CancellationToken stopping) =>
        RecurringRounds.Run(ct => RunDue(ct), SleepFor, _clock, error => LastError = error, _logger,
            "A deadline round failed; retrying.", stopping);

    private TimeSpan SleepFor()
    {
        var sleep = _options.PollInterval;
        if (NextDue is { } next && next - _clock.GetUtcNow() < sleep) sleep = next - _clock.GetUtcNow();
        return sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep;
    }

    /// <summary>One round: for every tenant with events, fold its new deadline events and fire what is due. Returns how many this node fired.</summary>
    public async Task<int> RunDue(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var fired = 0;
            foreach (var tenant in await _store.GetTenants(ct)) fired += await RunDue(tenant, ct);
            return fired;
        }
        finally { _gate.Release(); }
    }

    private async Task<int> RunDue(string tenant, CancellationToken ct)
    {
        var index = await CatchUp(tenant, ct);
        var fired = 0;
        foreach (var pending in Deadlines.due(_clock.GetUtcNow(), index))
        {
            var outcome = await Fire(tenant, pending, ct);
            if (outcome is null) break; // the store failed: the next round tries again
            if (outcome.Value) fired++;
            index = Forget(tenant, pending);
        }
        return fired;
    }

    /// <summary>Folds the tenant's deadline events appended since the last round.</summary>
    private async Task<DeadlineIndex> CatchUp(string tenant, CancellationToken ct)
    {
        DeadlineIndex index;
        lock (_indexes) index = _indexes.GetValueOrDefault(tenant) ?? Deadlines.empty;
        while (true)
        {
            var page = await _store.Read(tenant, Deadlines.query(index.Position).Take(_options.BatchSize), ct);
            foreach (var e in page) index = Deadlines.apply(index, e);
            if (page.Length < _options.BatchSize) break;
        }
        lock (_indexes) _indexes[tenant] = index;
        return index;
    }

    private DeadlineIndex Forget(string tenant, PendingDeadline pending)
    {
        lock (_indexes) return _indexes[tenant] = Deadlines.forget(_indexes[tenant], pending.ScheduledId);
    }

    /// <summary>True when this node fired it, false when another node had, null when the store failed.</summary>
    private async Task<bool?> Fire(string tenant, PendingDeadline pending, CancellationToken ct)
    {
        using var activity = ProcessorTelemetry.Source.StartActivity("hybrid.deadlines.fire");
        activity?.SetTag("hybrid.tenant", tenant);
        activity?.SetTag("hybrid.manager", pending.Manager);
        var metadata = EventMetadata.Of(pending.ScheduledId.ToString(), $"deadline:{pending.ScheduledId:N}", $"deadlines:{pending.Manager}");
        var request = AppendRequest.Of(tenant, new ProposedEvent(_ids.NewId(), Deadlines.fired(pending), metadata))
            .When(Deadlines.firedCondition(pending));
        AppendResult result;
        try { result = await Telemetry.StoreTelemetry.Append(_store, request, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Tenant {Tenant}: deadline {Name} of {Manager}/{Key} due {DueAt:O} could not be fired; the next round retries.",
                tenant, pending.Name, pending.Manager, pending.Key, pending.DueAt);
            return null;
        }
        if (result.IsConditionFailed) return false;
        ProcessorTelemetry.DeadlinesFired.Add(1, new KeyValuePair<string, object?>("hybrid.manager", pending.Manager));
        return true;
    }

    /// <summary>Stops the loop after the round in flight.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_stopping is null) return;
        await _stopping.CancelAsync();
        try { await _loop.WaitAsync(ct); } catch (OperationCanceledException) { }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
