using System.Collections.Concurrent;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Scheduling;

/// <summary>
/// Fires periodic tasks. Every node runs a scheduler; each due instant of a (task, tenant) is appended with the
/// condition that no event carries its trigger tag yet, so exactly one node's append is written and the others see
/// a condition failure. Which instants fire, and which are skipped after downtime or a clock jump, is the task's
/// missed-fire policy (<see cref="Schedules.plan"/>). The last fired instant is read back from the log on start.
/// A task's own compare-and-set condition is checked with the same append: when it fails the instant is declined.
/// Tasks for all tenants fire for every tenant of the catalogue (events or not) and every tenant with events. A tenant
/// that has never fired a task counts from the scheduler's start, or, when it first shows up after that, from the last
/// round that did not see it: CatchUp never fires it instants from before it existed.
/// An instant a round tried on time whose trigger append failed in the store (a database outage) is owed: the next
/// rounds fire it once the store is back, however late (<see cref="Schedules.planOwing"/>), never dropped by LateTolerance.
/// A task with a <see cref="TickJob"/> (shell work such as retention) runs it on the node whose trigger was written.
/// </summary>
public sealed class PeriodicScheduler : IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly IIdSource _ids;
    private readonly TimeProvider _clock;
    private readonly SchedulerOptions _options;
    private readonly ILogger _logger;
    private readonly ITenantCatalogue? _catalogue;
    private readonly IReadOnlyList<PeriodicTask> _tasks;
    private readonly IReadOnlyDictionary<string, TickJob> _jobs;
    private readonly ConcurrentDictionary<(string Task, string Tenant), DateTimeOffset> _last = new();
    private readonly ConcurrentDictionary<(string Task, string Tenant), FSharpList<DateTimeOffset>> _owed = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly DateTimeOffset _started;
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;

    /// <summary>
    /// A scheduler for the tasks (logging nowhere without a logger), firing tasks for all tenants also for the
    /// catalogue's tenants when one is given, and running the <paramref name="jobs"/> (by task name) after the ticks
    /// this node wrote; throws an <see cref="ArgumentException"/> naming the first invalid definition.
    /// </summary>
    public PeriodicScheduler(IEventStore store, IIdSource ids, TimeProvider clock, IEnumerable<PeriodicTask> tasks, SchedulerOptions options,
        ILogger? logger = null, ITenantCatalogue? catalogue = null, IReadOnlyDictionary<string, TickJob>? jobs = null)
    {
        _catalogue = catalogue;
        _jobs = jobs ?? new Dictionary<string, TickJob>();
        options.Validate();
        _tasks = tasks.ToList();
        foreach (var task in _tasks)
        {
            var problems = Schedules.problems(task);
            if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(tasks));
        }
        var duplicate = _tasks.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two periodic tasks are named '{duplicate.Key}'.", nameof(tasks));
        (_store, _ids, _clock, _options, _logger) = (store, ids, clock, options, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _started = clock.GetUtcNow();
    }

    /// <summary>When the last round completed, or null before the first.</summary>
    public DateTimeOffset? LastRound { get; private set; }

    /// <summary>The failure of the last round, or null when it succeeded.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>True while the scheduling loop runs.</summary>
    public bool IsRunning => _stopping is { IsCancellationRequested: false } && !_loop.IsCompleted;

    /// <summary>Starts the loop; the first round runs at once.</summary>
    public Task StartAsync(CancellationToken ct)
    {
        _stopping = new CancellationTokenSource();
        _loop = Loop(_stopping.Token);
        return Task.CompletedTask;
    }

    private Task Loop(CancellationToken stopping) =>
        RecurringRounds.Run(ct => RunDue(ct), () => SleepFor(_clock.GetUtcNow()), _clock, error => LastError = error,
            _logger, "A periodic scheduling round failed; retrying.", stopping);

    /// <summary>
    /// When the scheduling loop, after a round at <paramref name="now"/>, runs its next one: the next due instant of any
    /// task, or <see cref="SchedulerOptions.MaxSleep"/> later (a simulator steps its nodes' schedulers by it).
    /// </summary>
    public DateTimeOffset NextRoundAfter(DateTimeOffset now) => now + SleepFor(now);

    private TimeSpan SleepFor(DateTimeOffset now)
    {
        var sleep = _options.MaxSleep;
        foreach (var task in _tasks)
            if (Schedules.next(task.Schedule, now) is { } next && next.Value - now < sleep)
                sleep = next.Value - now;
        return sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep;
    }

    /// <summary>One round: fires what is due now for every task and tenant. Returns how many triggers this node wrote.</summary>
    public async Task<int> RunDue(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = _clock.GetUtcNow();
            var fired = 0;
            string[]? allTenants = null;
            foreach (var task in _tasks)
            {
                var tenants = task.Tenants is TenantSelection.OnlyTenants only
                    ? only.Item.ToArray()
                    : allTenants ??= await AllTenants(ct);
                foreach (var tenant in tenants) fired += await RunDue(task, tenant, now, ct);
            }
            LastRound = now;
            return fired;
        }
        finally { _gate.Release(); }
    }

    /// <summary>The catalogue's tenants and the tenants with events, in ordinal order.</summary>
    private async Task<string[]> AllTenants(CancellationToken ct)
    {
        var withEvents = await _store.GetTenants(ct);
        if (_catalogue is null) return withEvents;
        var registered = await _catalogue.List(ct);
        return registered.Select(t => t.Tenant).Union(withEvents, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<int> RunDue(PeriodicTask task, string tenant, DateTimeOffset now, CancellationToken ct)
    {
        var key = (task.Name, tenant);
        if (!_last.TryGetValue(key, out var last))
            last = _last[key] = await LastFired(task, tenant, ct) ?? LastRound ?? _started;
        var owed = _owed.TryGetValue(key, out var o) ? o : FSharpList<DateTimeOffset>.Empty;
        var plan = Schedules.planOwing(task, owed, last, now);
        if (plan.Skipped > 0)
        {
            ProcessorTelemetry.TriggersSkipped.Add(plan.Skipped, new KeyValuePair<string, object?>("hybrid.task", task.Name));
            _logger.LogWarning("Tenant {Tenant}: periodic task {Task} skipped {Skipped} missed instant(s) before {Latest} ({Policy}).",
                tenant, task.Name, plan.Skipped, plan.Latest, task.MissedFires);
        }
        var fired = 0;
        var latestSeen = plan.Latest is { } seen && seen.Value > last ? seen.Value : last;
        var instants = plan.Fire.ToArray();
        for (var i = 0; i < instants.Length; i++)
        {
            var tick = new Tick(task.Name, tenant, instants[i]);
            var outcome = await Fire(task, tick, ct);
            if (outcome == FireOutcome.StoreFailed)
            {
                // Nothing may have been written: the next round owes this instant and the rest, and fires them however
                // late it is by then (their conditions keep them unique), within the policy's bound.
                _owed[key] = ListModule.OfSeq(instants.Skip(i));
                _last[key] = latestSeen;
                return fired;
            }
            if (outcome == FireOutcome.Fired)
            {
                fired++;
                if (_jobs.TryGetValue(task.Name, out var job)) await RunJob(job, tick, ct);
            }
        }
        _owed.TryRemove(key, out _);
        _last[key] = latestSeen;
        return fired;
    }

    private async Task RunJob(TickJob job, Tick tick, CancellationToken ct)
    {
        using var activity = ProcessorTelemetry.Source.StartActivity("hybrid.scheduler.job");
        activity?.SetTag("hybrid.task", tick.Task);
        activity?.SetTag("hybrid.tenant", tick.Tenant);
        try { await job(tick, ct); }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Tenant {Tenant}: the job of periodic task {Task} failed at its {DueAt:O} instant; the next instant runs it again.",
                tick.Tenant, tick.Task, tick.DueAt);
        }
    }

    private async Task<DateTimeOffset?> LastFired(PeriodicTask task, string tenant, CancellationToken ct)
    {
        var events = await _store.Read(tenant, Triggers.lastTriggerQuery(task.Name), ct);
        var due = Triggers.lastDue(task.Name, events);
        return FSharpOption<DateTimeOffset>.get_IsSome(due) ? due.Value : null;
    }

    private async Task<FireOutcome> Fire(PeriodicTask task, Tick tick, CancellationToken ct)
    {
        using var activity = ProcessorTelemetry.Source.StartActivity("hybrid.scheduler.fire");
        activity?.SetTag("hybrid.task", task.Name);
        activity?.SetTag("hybrid.tenant", tick.Tenant);
        ProposedEvent[] events;
        AppendCondition condition;
        bool ownCondition;
        try
        {
            var metadata = Telemetry.TraceContext.Stamp(EventMetadata.Of("", Triggers.tag(task.Name, tick.DueAt), $"periodic:{task.Name}"));
            events = Triggers.events(task, tick).Select(e => new ProposedEvent(_ids.NewId(), e, metadata)).ToArray();
            ownCondition = !task.Condition.Invoke(tick).IsNoCondition;
            condition = Triggers.conditionOf(task, tick);
        }
        catch (Exception ex)
        {
            // A throwing OnTick or condition is the task's fault, not the store's: this instant is given up (logged), later
            // ones still fire. (Taken for a store failure, it was tried again every round and held back the later instants.)
            _logger.LogError(ex, "Tenant {Tenant}: periodic task {Task} could not fire its {DueAt:O} instant: its OnTick or its condition failed.",
                tick.Tenant, task.Name, tick.DueAt);
            return FireOutcome.GivenUp;
        }
        AppendResult result;
        try
        {
            result = await Telemetry.StoreTelemetry.Append(_store, new AppendRequest(tick.Tenant, events, condition, FSharpOption<CheckpointWrite>.None), ct);
        }
        catch (InvalidInputException ex)
        {
            // OnTick returned events the store refuses (validation): retrying would not help.
            _logger.LogError(ex, "Tenant {Tenant}: periodic task {Task} could not fire its {DueAt:O} instant: its events are invalid.", tick.Tenant, task.Name, tick.DueAt);
            return FireOutcome.GivenUp;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Tenant {Tenant}: periodic task {Task} could not append its {DueAt:O} trigger; the next round retries.", tick.Tenant, task.Name, tick.DueAt);
            return FireOutcome.StoreFailed;
        }
        if (result.IsConditionFailed) return await AlreadyFiredOrDeclined(task, tick, ownCondition, ct);
        ProcessorTelemetry.TriggersFired.Add(1, new KeyValuePair<string, object?>("hybrid.task", task.Name));
        return FireOutcome.Fired;
    }

    /// <summary>Tells a tick another node fired first from one the task's own condition declined.</summary>
    private async Task<FireOutcome> AlreadyFiredOrDeclined(PeriodicTask task, Tick tick, bool ownCondition, CancellationToken ct)
    {
        if (!ownCondition) return FireOutcome.AlreadyFired;
        var fired = await _store.Read(tick.Tenant, EventQuery.OfTags(Triggers.tag(task.Name, tick.DueAt)).Take(1), ct);
        if (fired.Length > 0) return FireOutcome.AlreadyFired;
        ProcessorTelemetry.TriggersDeclined.Add(1, new KeyValuePair<string, object?>("hybrid.task", task.Name));
        _logger.LogDebug("Tenant {Tenant}: periodic task {Task} declined its {DueAt:O} instant: its condition did not hold.", tick.Tenant, task.Name, tick.DueAt);
        return FireOutcome.Declined;
    }

    private enum FireOutcome { Fired, AlreadyFired, Declined, GivenUp, StoreFailed }

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
