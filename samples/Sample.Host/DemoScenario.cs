using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Shell.Queries;
using Hybrid.Simulation;
using R = Hybrid.Sample.Application.Request;

namespace Hybrid.Sample.Host;

/// <summary>
/// The demo's script with a virtual clock (no faults) on the store <paramref name="store"/> opens (the in-memory store
/// when none) with the lease store <paramref name="leases"/> opens (in memory when none): users of one tenant run commands, two nodes run the processors and the monthly billing task across
/// midnight on the first of the month. Read models are cached in <paramref name="cacheDirectory"/> (LMDB) when given.
/// </summary>
internal sealed class DemoScenario : IDisposable
{
    public const string Tenant = "acme";
    public const string OtherTenant = "globex";

    public static readonly Caller Ann = Caller("ann", Access.Roles.Admin, Access.Roles.Member);
    public static readonly Caller Bob = Caller("bob", Access.Roles.Member);
    public static readonly Caller Dan = Caller("dan", Access.Roles.Viewer);
    public static readonly Caller Anonymous = Caller("");

    public DemoScenario(Func<TimeProvider, IEventStore>? store = null, string? cacheDirectory = null, Func<TimeProvider, ILeaseStore>? leases = null)
    {
        Context = new SimulationContext(Application.simulated, new SimulationOptions
        {
            Seed = 2026,
            Faults = FaultRates.None,
            Start = new DateTimeOffset(2026, 1, 31, 23, 58, 0, TimeSpan.Zero),
            EventStore = store,
            LeaseStore = leases,
            ReadModelCacheDirectory = cacheDirectory,
        });
        Context.Observer = Activities.Add;
        Commands = new CommandRunner(Context);
        ReadModels = new ReadModelRunner(Context);
        Queries = QueryProcessor.Of(Definitions.registry, Context.Store, ReadModels.Engine);
        Nodes = [new ProcessorNode(Context, "node-a"), new ProcessorNode(Context, "node-b")];
    }

    public SimulationContext Context { get; }
    public CommandRunner Commands { get; }
    public ReadModelRunner ReadModels { get; }
    public QueryProcessor Queries { get; }
    public ProcessorNode[] Nodes { get; }
    public List<SimulationActivity> Activities { get; } = [];

    /// <summary>The commands the script runs, in order.</summary>
    public static IEnumerable<(Caller Caller, SimulatedRequest Request)> Script()
    {
        yield return (Ann, R.createList("groceries", "Groceries"));
        yield return (Bob, R.addItem("groceries", "milk"));
        yield return (Bob, R.addItem("groceries", "eggs"));
        yield return (Ann, R.addItem("groceries", "bread"));
        yield return (Bob, R.completeItem("groceries", 1));
        yield return (Ann, R.completeItem("groceries", 2));
        yield return (Ann, R.completeItem("groceries", 2));
        yield return (Ann, R.renameList("groceries", "Weekly groceries"));
        yield return (Bob, R.clearCompleted("groceries"));
        yield return (Bob, R.createList("chores", "Chores"));
        yield return (Bob, R.addItem("chores", "fix bike"));
        yield return (Ann, R.createList("groceries", "Party"));
        yield return (Dan, R.addItem("groceries", "cake"));
        yield return (Anonymous, R.deleteList("chores"));
        yield return (Ann, R.invite("c-1", "Zoe@Example.com"));
        yield return (Ann, R.invite("c-2", " zoe@example.com "));
        yield return (Ann, R.invite("c-3", ""));
        yield return (Bob, R.invite("c-4", "yves@example.com"));
        yield return (Ann, R.invite("c-5", "yves@example.com"));
    }

    /// <summary>Runs the script, then lets both nodes process and tick across midnight on the first of the month.</summary>
    public List<(Caller Caller, SimulatedRequest Request, CommandResult Result)> Run()
    {
        var results = new List<(Caller, SimulatedRequest, CommandResult)>();
        foreach (var (caller, request) in Script())
        {
            Context.Clock.Advance(TimeSpan.FromSeconds(5));
            results.Add((caller, request, Commands.Run(caller, request)));
        }
        for (var round = 0; round < 4; round++)
        {
            Context.Clock.Advance(TimeSpan.FromMinutes(1));
            // Two rebalancing passes: the first node takes every lease, then hands the second its fair share.
            for (var pass = 0; pass < 2; pass++)
                foreach (var node in Nodes) node.Tick();
            foreach (var processor in Context.Processors)
            foreach (var node in Nodes)
                while (node.Step(processor, Tenant)) { }
        }
        return results;
    }

    private static Caller Caller(string actor, params string[] roles) => new(Tenant, actor, roles, "");

    /// <summary>Writes the read-model cache back and closes it.</summary>
    public void Dispose() => ReadModels.Dispose();


}
