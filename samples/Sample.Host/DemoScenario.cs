using Hybrid.InMemory.Simulation;
using Hybrid.Sample;
using Hybrid.Simulation;

namespace Hybrid.Sample.Host;

/// <summary>
/// The demo's script on the in-memory store with a virtual clock (no faults): users of one tenant run commands,
/// two nodes run the processors and the monthly billing task across midnight on the first of the month.
/// </summary>
internal sealed class DemoScenario
{
    public const string Tenant = "acme";
    public const string OtherTenant = "globex";

    public static readonly Caller Ann = Caller("ann", Access.Roles.Admin, Access.Roles.Member);
    public static readonly Caller Bob = Caller("bob", Access.Roles.Member);
    public static readonly Caller Dan = Caller("dan", Access.Roles.Viewer);
    public static readonly Caller Anonymous = Caller("");

    public DemoScenario()
    {
        Context = new SimulationContext(Application.simulated, new SimulationOptions
        {
            Seed = 2026,
            Faults = FaultRates.None,
            Start = new DateTimeOffset(2026, 1, 31, 23, 58, 0, TimeSpan.Zero),
        });
        Context.Observer = Activities.Add;
        Commands = new CommandRunner(Context);
        ReadModels = new ReadModelRunner(Context);
        Nodes = [new ProcessorNode(Context, "node-a"), new ProcessorNode(Context, "node-b")];
    }

    public SimulationContext Context { get; }
    public CommandRunner Commands { get; }
    public ReadModelRunner ReadModels { get; }
    public ProcessorNode[] Nodes { get; }
    public List<SimulationActivity> Activities { get; } = [];

    /// <summary>The commands the script runs, in order.</summary>
    public static IEnumerable<(Caller Caller, SimulatedCommand Command)> Script()
    {
        yield return (Ann, Todo(TodoLists.Command.NewCreate("groceries", "Groceries")));
        yield return (Bob, Todo(TodoLists.Command.NewAddItem("groceries", "milk")));
        yield return (Bob, Todo(TodoLists.Command.NewAddItem("groceries", "eggs")));
        yield return (Ann, Todo(TodoLists.Command.NewAddItem("groceries", "bread")));
        yield return (Bob, Todo(TodoLists.Command.NewComplete("groceries", 1)));
        yield return (Ann, Todo(TodoLists.Command.NewComplete("groceries", 2)));
        yield return (Ann, Todo(TodoLists.Command.NewComplete("groceries", 2)));
        yield return (Ann, Todo(TodoLists.Command.NewRename("groceries", "Weekly groceries")));
        yield return (Bob, Todo(TodoLists.Command.NewClearCompleted("groceries")));
        yield return (Bob, Todo(TodoLists.Command.NewCreate("chores", "Chores")));
        yield return (Bob, Todo(TodoLists.Command.NewAddItem("chores", "fix bike")));
        yield return (Ann, Todo(TodoLists.Command.NewCreate("groceries", "Party")));
        yield return (Dan, Todo(TodoLists.Command.NewAddItem("groceries", "cake")));
        yield return (Anonymous, Todo(TodoLists.Command.NewDeleteList("chores")));
        yield return (Ann, Invite("c-1", "Zoe@Example.com"));
        yield return (Ann, Invite("c-2", " zoe@example.com "));
        yield return (Ann, Invite("c-3", ""));
        yield return (Bob, Invite("c-4", "yves@example.com"));
        yield return (Ann, Invite("c-5", "yves@example.com"));
    }

    /// <summary>Runs the script, then lets both nodes process and tick across midnight on the first of the month.</summary>
    public List<(Caller Caller, SimulatedCommand Command, CommandResult Result)> Run()
    {
        var results = new List<(Caller, SimulatedCommand, CommandResult)>();
        foreach (var (caller, command) in Script())
        {
            Context.Clock.Advance(TimeSpan.FromSeconds(5));
            var withId = new Caller(caller.Tenant, caller.Actor, caller.Roles, Context.Ids.NewId().ToString());
            results.Add((withId, command, Commands.Run(withId, command)));
        }
        for (var round = 0; round < 4; round++)
        {
            Context.Clock.Advance(TimeSpan.FromMinutes(1));
            foreach (var node in Nodes) node.Tick([Tenant, OtherTenant]);
            foreach (var processor in Application.processors)
            foreach (var node in Nodes)
                while (node.Step(processor, Tenant)) { }
        }
        return results;
    }

    private static Caller Caller(string actor, params string[] roles) => new(Tenant, actor, roles, "");

    private static SimulatedCommand Todo(TodoLists.Command command) => Hybrid.Sample.Commands.todo(command);

    private static SimulatedCommand Invite(string customer, string email) => Hybrid.Sample.Commands.invite(new Invites.Command(customer, email));
}
