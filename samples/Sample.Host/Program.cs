using System.CommandLine;
using Hybrid.Sample.Host;

// hybrid-sample: the sample application's host. `demo` runs a scripted scenario on the in-memory store,
// `simulate` runs the deterministic simulation, `serve` hosts the application on the embedded store or PostgreSQL,
// `verify` and `backup` check and copy the embedded store, `migrate` applies (or prints) the PostgreSQL migrations.
ConsoleSetup.Apply();
var root = new RootCommand("Hybrid sample: todo lists, customer invites, points and monthly billing.")
{
    DemoCommand.Create(),
    SimulateCommand.Create(),
    ServeCommand.Create(),
    MigrateCommand.Create(),
    VerifyCommand.Create(),
    BackupCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
