using Hybrid.InMemory.Processors;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// A simulated host node running the framework's own engines: a <see cref="TodoProcessorHost"/> (fair-share leases,
/// fenced checkpoints, retries and dead letters; process managers included), a <see cref="PeriodicScheduler"/> and a
/// <see cref="DeadlineScheduler"/>, stepped by the simulation
/// instead of timers. It can pause (keeping its state, so it may come back with leases that expired meanwhile) or
/// crash (losing its state, its leases left to expire) and restart later as a new host.
/// </summary>
public sealed class ProcessorNode
{
    private readonly SimulationContext _context;
    private readonly int _seed;
    private TodoProcessorHost? _host;
    private PeriodicScheduler? _scheduler;
    private DeadlineScheduler? _deadlines;
    private DateTimeOffset? _schedulerWake;
    private long _downUntil;
    private int _restarts;

    /// <summary>A node of the simulation; its id is also its lease owner name.</summary>
    public ProcessorNode(SimulationContext context, string id)
    {
        _context = context;
        Id = id;
        _seed = unchecked(context.Options.Seed * 397 + id.Aggregate(17, (hash, c) => hash * 31 + c));
        Host();
        Scheduler(); // a scheduler fires instants after its start, so the node starts with the run
    }

    /// <summary>The node's id, also its lease owner name.</summary>
    public string Id { get; }

    /// <summary>True when the node takes steps now.</summary>
    public bool IsUp => _context.Step >= _downUntil;

    /// <summary>Takes one step of a processor for a tenant. True when it did work.</summary>
    public bool Step(TodoProcessor processor, string tenant)
    {
        if (!IsUp) return false;
        var host = Host();
        try
        {
            return Run(host.StepAsync(processor.Name, tenant, CancellationToken.None));
        }
        catch (OperationCanceledException) when (_host != host)
        {
            return true; // the node crashed in the middle of the step
        }
    }

    /// <summary>
    /// A rebalancing round (heartbeat, renewals, fair share of the leases), then the periodic tasks and deadlines due;
    /// with a <paramref name="racer"/>, its deadline round slips in just before this node's first firing is written.
    /// </summary>
    public void Tick(ProcessorNode? racer = null)
    {
        if (!IsUp) return;
        Run(Host().Rebalance(CancellationToken.None));
        RunScheduler();
        if (racer is { IsUp: true } && racer != this) RaceDeadlines(racer);
        else Run(Deadlines().RunDue(CancellationToken.None));
    }

    /// <summary>
    /// Runs a periodic round when the node's scheduler would have woken by now: as a hosted scheduler sleeps until the
    /// next due instant (or its longest sleep), an up node never notices an instant late, so only pauses, crashes and
    /// clock jumps make instants missed, not how rarely the step loop happens to pick the node.
    /// </summary>
    public void WakeScheduler()
    {
        if (!IsUp || _context.Application.PeriodicTasks.IsEmpty) return;
        if (_scheduler is not null && _schedulerWake is { } wake && wake > _context.Clock.GetUtcNow()) return;
        RunScheduler();
    }

    private void RunScheduler()
    {
        var scheduler = Scheduler();
        Run(scheduler.RunDue(CancellationToken.None));
        _schedulerWake = scheduler.NextRoundAfter(_context.Clock.GetUtcNow());
    }

    /// <summary>
    /// A deadline round raced by another node: the other node's whole round runs just before this node's first firing is
    /// written, so both may try to fire the same deadline (the store's condition lets only one through).
    /// </summary>
    private void RaceDeadlines(ProcessorNode other)
    {
        _context.BeforeNextAppend = () =>
        {
            _context.Record(ActivityKind.Fault, "", other.Id, "deadline race", $"fires deadlines while {Id} is about to");
            other.Deadlines().RunDue(CancellationToken.None).GetAwaiter().GetResult();
        };
        Run(Deadlines().RunDue(CancellationToken.None));
        _context.BeforeNextAppend = null;
    }

    /// <summary>The earliest deadline pending on this node's deadline scheduler, if it knows of one.</summary>
    public DateTimeOffset? NextDeadline => _deadlines?.NextDue;

    /// <summary>Stops taking steps for a while; in-memory state is kept.</summary>
    public void Pause(long steps)
    {
        _downUntil = _context.Step + steps;
        _context.Record(ActivityKind.Fault, "", Id, "node paused", $"for {steps} steps (its leases may expire)");
    }

    /// <summary>Crashes: work in flight is abandoned and in-memory state lost; the node restarts after some steps.</summary>
    public void Crash(string where)
    {
        var host = _host;
        _host = null;
        _scheduler = null;
        _schedulerWake = null;
        _deadlines = null;
        if (host is not null) Run(host.CrashAsync());
        _downUntil = _context.Step + _context.Faults.Size(20, 400);
        _context.Record(ActivityKind.Fault, "", Id, "node crashed", where);
    }

    /// <summary>Comes back at once (the end-of-run drain).</summary>
    public void Resume() => _downUntil = 0;

    private T Run<T>(Task<T> task)
    {
        Run((Task)task);
        return task.Result;
    }

    private void Run(Task task)
    {
        _context.Acting = Id;
        _context.EngineClock.Await(task);
    }

    private TodoProcessorHost Host() => _host ??= new TodoProcessorHost(Runtime(), NodeProcessors.Of(_context, Id));

    private PeriodicScheduler Scheduler() =>
        _scheduler ??= new PeriodicScheduler(_context.Store, _context.Ids, _context.Clock, _context.PeriodicTasks, new SchedulerOptions(), NullLogger.Instance);

    private DeadlineScheduler Deadlines() =>
        _deadlines ??= new DeadlineScheduler(_context.Store, _context.Ids,
            _context.Has(Sabotage.FireDeadlinesEarly) ? new ShiftedClock(_context.Clock, TimeSpan.FromHours(1)) : _context.Clock,
            _context.ProcessManagers, new DeadlineOptions(), NullLogger.Instance);

    /// <summary>A clock running ahead of the virtual one, for the planted early-deadline bug.</summary>
    private sealed class ShiftedClock(TimeProvider inner, TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + ahead;
    }

    private ProcessorRuntime Runtime()
    {
        var jitter = new Random(_seed + _restarts++);
        var effects = new EffectHandlers(_context.Application.EffectKinds.Select(kind => new SimulatedEffectHandler(_context, this, kind)));
        var options = new ProcessorOptions
        {
            NodeId = Id,
            LeaseDuration = _context.Options.LeaseDuration,
            RebalanceInterval = _context.Options.LeaseDuration / 3,
            BatchSize = 16,
            RunInBackground = false,
            JitterSource = jitter.NextDouble,
        };
        return new ProcessorRuntime(_context.Store, _context.Leases, _context.DeadLetters, effects, _context.EngineClock, options, NullLogger.Instance);
    }
}
