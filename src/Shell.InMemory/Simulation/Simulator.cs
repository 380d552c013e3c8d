using System.Diagnostics;
using Hybrid.Simulation;

namespace Hybrid.InMemory.Simulation;

/// <summary>
/// The deterministic simulation: a single-threaded step loop on a virtual clock. Each step the seeded generator picks
/// one action (a command by a user of a tenant, a processor step on a node, a node's rebalancing and periodic round,
/// a read-model read) and
/// perhaps a fault. Invariants are checked as it goes and, after a drain with faults off, for every tenant at the end.
/// The same seed gives the same run, event for event.
/// </summary>
public sealed class Simulator : IDisposable
{
    private readonly SimulationOptions _options;
    private readonly SimulationContext _context;
    private readonly Random _random;
    private readonly RandomChooser _chooser;
    private readonly CommandRunner _commands;
    private readonly ReadModelRunner _readModels;
    private readonly InvariantChecker _checker;
    private readonly List<ProcessorNode> _nodes;
    private readonly IReadOnlyList<string> _tenants;
    private readonly TodoProcessor[] _processors;
    private readonly string[] _readModelNames;

    /// <summary>A simulation of the application with the options.</summary>
    public Simulator(SimulatedApplication application, SimulationOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Tenants, 1, nameof(options.Tenants));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Nodes, 1, nameof(options.Nodes));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Steps, nameof(options.Steps));
        _options = options;
        _context = new SimulationContext(application, options);
        _random = new Random(options.Seed);
        _chooser = new RandomChooser(_random);
        _commands = new CommandRunner(_context);
        _readModels = new ReadModelRunner(_context);
        _checker = new InvariantChecker(_context, _readModels);
        _nodes = Enumerable.Range(0, options.Nodes).Select(i => new ProcessorNode(_context, $"node-{(char)('a' + i)}")).ToList();
        _tenants = options.TenantIds;
        _processors = _context.Processors;
        _readModelNames = _context.ReadModels.Select(m => m.Name).ToArray();
    }

    /// <summary>The shared parts, for callers that inspect the store or observe activity.</summary>
    public SimulationContext Context => _context;

    /// <summary>The read-model engine of the run.</summary>
    public ReadModelRunner ReadModels => _readModels;

    /// <summary>Runs the simulation; progress reports the steps taken so far.</summary>
    public SimulationReport Run(IProgress<long>? progress = null)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context.Loop);
        try
        {
            return RunSteps(progress);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private SimulationReport RunSteps(IProgress<long>? progress)
    {
        var watch = Stopwatch.StartNew();
        InvariantViolation? violation = null;
        long step;
        for (step = 1; step <= _options.Steps && violation is null; step++)
        {
            _context.Step = step;
            TakeStep();
            if (step % _options.CheckEvery == 0)
                violation = FirstViolation(_tenants[(int)(step / _options.CheckEvery % _tenants.Count)], step);
            if (step % 1000 == 0) progress?.Report(step);
        }
        var taken = step - 1;
        progress?.Report(taken);
        var drained = 0L;
        if (violation is null)
        {
            drained = Drain();
            _readModels.Clear(); // the final reads come from L2 (or the log), not from what L1 kept
            foreach (var tenant in _tenants)
                violation ??= FirstViolation(tenant, taken + drained, settled: true);
        }
        watch.Stop();
        _context.Stats.DeadLetters = SimulationContext.Sync(_context.DeadLetters.List(null!, null!, CancellationToken.None)).Length;
        return new SimulationReport
        {
            Options = _options,
            StepsTaken = taken,
            DrainSteps = drained,
            Events = _tenants.Sum(t => SimulationContext.Sync(_context.MemoryStore.GetHead(t, CancellationToken.None))),
            VirtualTime = _context.Clock.GetUtcNow() - _options.Start,
            Elapsed = watch.Elapsed,
            LogDigest = LogDigest.Of(_context.Readable, _tenants),
            Stats = _context.Stats,
            ReadModelCache = _readModels.Engine.Statistics,
            Faults = _context.Faults.Counts,
            Checks = _checker.Checks,
            Violation = violation,
        };
    }

    /// <summary>Writes back the read models' cache and closes it.</summary>
    public void Dispose() => _readModels.Dispose();

    private void TakeStep()
    {
        _context.Clock.Advance(TimeSpan.FromMilliseconds(_random.Next((int)_options.MaxStepAdvance.TotalMilliseconds + 1)));
        InjectStepFaults();
        foreach (var node in _nodes) node.WakeScheduler();
        if (_context.Shredding is not null && _random.Next(ForgetOneIn) == 0)
        {
            ForgetSomeone(_tenants[_random.Next(_tenants.Count)]);
            return;
        }
        var action = _random.Next(100);
        if (action < 55) RunCommand(_tenants[_random.Next(_tenants.Count)]);
        else if (action < 85)
        {
            var node = _nodes[_random.Next(_nodes.Count)];
            if (_processors.Length > 0) node.Step(_processors[_random.Next(_processors.Length)], _tenants[_random.Next(_tenants.Count)]);
        }
        else if (action < 90) Tick(_nodes[_random.Next(_nodes.Count)]);
        else if (_readModelNames.Length > 0)
            _readModels.Read(_tenants[_random.Next(_tenants.Count)], _readModelNames[_random.Next(_readModelNames.Length)]);
    }

    private void Tick(ProcessorNode node)
    {
        var racing = _nodes.Count > 1 && _context.ProcessManagers.Length > 0 && _context.Faults.Inject(FaultKind.DeadlineRace);
        node.Tick(racing ? _nodes[(_nodes.IndexOf(node) + 1) % _nodes.Count] : null);
    }

    private void RunCommand(string tenant)
    {
        var users = _context.Application.Users;
        var user = _random.Next(20) == 0 ? Anonymous : users[_random.Next(users.Length)];
        var caller = new Caller(tenant, user.Name, user.Roles, _context.Ids.NewId().ToString());
        _commands.Run(caller, _context.Application.NextCommand.Invoke(_chooser).Invoke(user));
    }

    private static readonly SimulatedUser Anonymous = new("", []);

    /// <summary>How rarely a step forgets a subject, when the run declares personal data.</summary>
    private const int ForgetOneIn = 200;

    /// <summary>
    /// Forgets a subject of the tenant that sealed something and is not forgotten yet (an operator's erasure), noting
    /// its values in clear first, then rebuilds the tenant's read models: none of those values may show again.
    /// </summary>
    private void ForgetSomeone(string tenant)
    {
        var shredding = _context.Shredding!;
        var policy = _context.Options.PersonalData!;
        var log = SimulationContext.Sync(shredding.Read(tenant, EventQuery.All, CancellationToken.None));
        var forgotten = _context.Forgotten.TryGetValue(tenant, out var known) ? known : _context.Forgotten[tenant] = [];
        var subjects = log
            .Select(e => policy.TryFind(e.Type) is { } d ? PersonalData.subjectOf(d.Value, e.Body)?.Value : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).Where(s => forgotten.All(f => f.Subject != s)).ToArray();
        if (subjects.Length == 0) return;
        var subject = subjects[_random.Next(subjects.Length)];
        var values = ForgottenSubjects.ValuesOf(policy, subject, log);
        var result = SimulationContext.Sync(shredding.ForgetSubject(tenant, subject, "simulated erasure request", CancellationToken.None));
        if (result is not ForgetResult.Forgotten done) return;
        forgotten.Add(new ForgottenSubject(subject, done.audit.Position, values));
        _context.Stats.SubjectsForgotten++;
        _context.Record(ActivityKind.Command, tenant, "operator", $"forget subject {subject}", $"forgotten at position {done.audit.Position}");
        foreach (var model in _readModelNames)
            SimulationContext.Sync(_readModels.Engine.Rebuild(tenant, model, "", CancellationToken.None));
    }

    private void InjectStepFaults()
    {
        var faults = _context.Faults;
        if (faults.Inject(FaultKind.NodePause)) _nodes[faults.Size(0, _nodes.Count)].Pause(faults.Size(200, 3000));
        if (faults.Inject(FaultKind.ClockJump))
        {
            var jump = TimeSpan.FromHours(faults.Size(1, 24 * 40));
            _context.Clock.Advance(jump);
            _context.Record(ActivityKind.Fault, "", "clock", "clock jumped", $"by {jump.TotalHours:F0} h");
        }
        if (_context.Outages?.MaybeStart() is var (database, until))
            _context.Record(ActivityKind.Fault, "", "database", $"database {database} down", $"until {until:HH:mm:ss}: its tenants' appends fail");
        if (faults.Inject(FaultKind.ReadModelCacheLoss))
        {
            _readModels.Clear();
            _context.Record(ActivityKind.Fault, "", "read models", "cache lost", "rebuilt from the log on the next reads");
        }
    }

    /// <summary>
    /// Faults off, every node back, leases expired: rounds of rebalancing (with periodic tasks and deadlines), then every
    /// node steps every processor and tenant it holds until idle, until every processor is caught up. While deadlines
    /// remain pending (within a week), the clock moves on to the earliest, so the drain sees them fire and be handled.
    /// </summary>
    private long Drain()
    {
        _context.Faults.Enabled = false;
        foreach (var node in _nodes) node.Resume();
        _context.Clock.Advance(_options.LeaseDuration + TimeSpan.FromSeconds(1));
        var steps = 0L;
        const long maxDrainSteps = 1_000_000;
        const int maxRounds = 1_000;
        var rounds = 0;
        bool busy;
        do
        {
            rounds++;
            foreach (var node in _nodes) node.Tick();
            foreach (var processor in _processors)
            foreach (var tenant in _tenants)
            foreach (var node in _nodes)
                while (steps < maxDrainSteps && node.Step(processor, tenant)) steps++;
            busy = _processors.Any(p => _tenants.Any(t => !IsCaughtUp(p, t)));
            if (busy) _context.Clock.Advance(_options.LeaseDuration / 3);
            else if (NextDeadline() is { } next && next - _context.Clock.GetUtcNow() < TimeSpan.FromDays(7))
            {
                if (next > _context.Clock.GetUtcNow()) _context.Clock.Advance(next - _context.Clock.GetUtcNow());
                busy = true;
            }
        } while (busy && steps < maxDrainSteps && rounds < maxRounds);
        return steps;
    }

    /// <summary>Each tenant's deadlines folded so far: a drain round folds only the deadline events after them.</summary>
    private readonly Dictionary<string, DeadlineIndex> _deadlines = new(StringComparer.Ordinal);

    /// <summary>The earliest pending deadline of the run (every tenant), read from the log.</summary>
    private DateTimeOffset? NextDeadline()
    {
        if (_context.ProcessManagers.Length == 0) return null;
        DateTimeOffset? earliest = null;
        foreach (var tenant in _tenants)
        {
            var index = _deadlines.GetValueOrDefault(tenant) ?? Deadlines.empty;
            var events = SimulationContext.Sync(_context.MemoryStore.Read(tenant, Deadlines.query(index.Position), CancellationToken.None));
            _deadlines[tenant] = index = events.Aggregate(index, Deadlines.apply);
            var next = Deadlines.next(index);
            if (next is not null && (earliest is null || next.Value < earliest)) earliest = next.Value;
        }
        return earliest;
    }

    /// <summary>True when the processor's checkpoint for the tenant has passed every event of its topics.</summary>
    private bool IsCaughtUp(TodoProcessor processor, string tenant)
    {
        var checkpoint = SimulationContext.Sync(_context.Store.ReadCheckpoint(tenant, processor.Name, CancellationToken.None));
        var query = TodoProcessorModule.query(processor, checkpoint.Position).Take(1);
        return SimulationContext.Sync(_context.Store.Read(tenant, query, CancellationToken.None)).Length == 0;
    }

    private InvariantViolation? FirstViolation(string tenant, long step, bool settled = false)
    {
        var found = _checker.Check(tenant, settled);
        if (found.Count == 0) return null;
        var (invariant, detail) = found[0];
        return new InvariantViolation(invariant, _options.Seed, step, detail, _options.ReplayCommand);
    }
}
