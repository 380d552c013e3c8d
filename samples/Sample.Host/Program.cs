using System.CommandLine;
using Hybrid.Sample.Host;

// hybrid-sample: the sample application's host. `demo` runs a scripted scenario on the in-memory store,
// `simulate` runs the deterministic simulation, `serve` hosts the application on the embedded store or PostgreSQL,
// `verify` and `backup` check and copy the embedded store, `migrate` applies (or prints) the PostgreSQL migrations;
// `front`, `handler` and `projector` are the same application split into processes joined by a NATS JetStream broker.
// Bad arguments print one line and exit with 2; a failure prints one line and exits with 1; never a stack trace.
ConsoleSetup.Apply();
var root = new RootCommand("Hybrid sample: todo lists, customer invites, points and monthly billing.")
{
    DemoCommand.Create(),
    SimulateCommand.Create(),
    ServeCommand.Create(),
    MigrateCommand.Create(),
    VerifyCommand.Create(),
    BackupCommand.Create(),
    FrontCommand.Create(),
    HandlerCommand.Create(),
    ProjectorCommand.Create(),
    OpsCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine(CliArguments.Message(parse));
    return CliArguments.BadArguments;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException)
{
    // SIGTERM or Ctrl+C while a command was working, one that does not treat a stop as its normal end (serve does).
    Console.Error.WriteLine("hybrid-sample: stopped before it finished (interrupted).");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"hybrid-sample: failed: {e.Message}");
    return 1;
}
