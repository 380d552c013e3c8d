using System.CommandLine;
using Hybrid.Sample.Host;

// hybrid-sample: the sample application's host. `demo` runs a scripted scenario on the in-memory store,
// `simulate` runs the deterministic simulation, `serve` hosts the application against PostgreSQL; `front`, `handler` and
// `projector` are the same application split into processes joined by a NATS JetStream broker.
ConsoleSetup.Apply();
var root = new RootCommand("Hybrid sample: todo lists, customer invites, points and monthly billing.")
{
    DemoCommand.Create(),
    SimulateCommand.Create(),
    ServeCommand.Create(),
    FrontCommand.Create(),
    HandlerCommand.Create(),
    ProjectorCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
