using System.CommandLine;
using Hybrid.InMemory.Simulation;
using Hybrid.Shell.Lmdb.EventStore;
using static Hybrid.Sample.ReadModels;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Spectre.Console;

namespace Hybrid.Sample.Host;

using Command = System.CommandLine.Command;

/// <summary>
/// `demo`: runs the scripted scenario and prints what happened as tables. By default on the embedded LMDB event store
/// (the durable default of <c>serve</c>: checksummed, synced appends) with the LMDB read-model cache, in a new temporary
/// directory deleted afterwards, or in <c>--data DIR</c> kept for <c>verify</c>, <c>ops</c> and <c>serve</c>;
/// <c>--in-memory</c> runs it on the in-memory store instead.
/// </summary>
internal static class DemoCommand
{
    public static System.CommandLine.Command Create()
    {
        var inMemory = new Option<bool>("--in-memory") { Description = "Run on the in-memory store (nothing is written to disk)." };
        var data = new Option<string>("--data")
        {
            Description = "Keep the embedded store in this directory (DIR/events, the read-model cache in DIR); it must not hold events yet. " +
                          "Default: a new temporary directory, deleted afterwards.",
        };
        var command = new System.CommandLine.Command("demo",
            "Run a scripted scenario on the embedded LMDB store (no server needed) and print what happened.") { inMemory, data };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(data);
            if (parse.GetValue(inMemory))
            {
                if (directory is not null)
                {
                    Console.Error.WriteLine("hybrid-sample demo: give --in-memory or --data, not both.");
                    return CliArguments.BadArguments;
                }
                AnsiConsole.MarkupLine("[bold]Store[/]: in memory (nothing is written to disk).");
                using var scenario = new DemoScenario();
                Print(scenario);
                return 0;
            }
            return directory is null ? InTemporaryDirectory() : Embedded(directory, keep: true);
        });
        return command;
    }

    private static int InTemporaryDirectory()
    {
        var temporary = Directory.CreateTempSubdirectory("hybrid-demo-");
        try { return Embedded(temporary.FullName, keep: false); }
        finally { temporary.Delete(recursive: true); }
    }

    /// <summary>Runs the script on the embedded store of the data directory (refused, exit 2, when it already holds events).</summary>
    private static int Embedded(string directory, bool keep)
    {
        try { return EmbeddedIn(directory, keep); }
        catch (IOException unusable) // the directory in use, or its store damaged or not to be opened by this user
        {
            Console.Error.WriteLine($"hybrid-sample demo: {(unusable.Message.StartsWith("--data", StringComparison.Ordinal) ? "" : "--data: ")}{unusable.Message}");
            return 1;
        }
    }

    private static int EmbeddedIn(string directory, bool keep)
    {
        using var directoryLock = DataDirectoryLock.Acquire(directory);
        var events = SampleDataDirectory.EventStore(directory);
        LmdbEventStore? store = null;
        try
        {
            // The store's own leases: its checkpoints are fenced by the demo's tokens, so a later serve continues from them.
            using var scenario = new DemoScenario(clock => store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = events, Clock = clock }), directory,
                _ => new LmdbLeaseStore(store!));
            if (store!.GetTenants(CancellationToken.None).Result.Length > 0)
            {
                Console.Error.WriteLine($"hybrid-sample demo: --data: '{events}' already holds events; the script needs an empty store (give another directory).");
                return CliArguments.BadArguments;
            }
            AnsiConsole.MarkupLine($"[bold]Store[/]: the embedded LMDB event store in {Markup.Escape(events)}" +
                                   (keep ? " (kept: try `verify`, `ops` or `serve` with --data on it)." : " (a temporary directory, deleted afterwards)."));
            Print(scenario);
            return 0;
        }
        finally { store?.Dispose(); }
    }

    private static void Print(DemoScenario scenario)
    {
        var results = scenario.Run();
        PrintCommands(results);
        PrintEvents(scenario);
        PrintActivity(scenario);
        PrintReadModels(scenario);
        PrintQueries(scenario);
    }

    private static void Section(string title) => AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());

    private static void PrintCommands(List<(Caller Caller, Hybrid.Simulation.SimulatedRequest Request, CommandResult Result)> results)
    {
        Section($"Commands (tenant '{DemoScenario.Tenant}')");
        var table = new Table().AddColumns("#", "caller", "command", "outcome");
        var i = 0;
        foreach (var (caller, request, result) in results)
        {
            var outcome = result.Status switch
            {
                CommandStatus.Accepted => $"[green]accepted[/]: {string.Join(", ", result.Events.Select(e => e.Type))}",
                CommandStatus.Unchanged => "[green]accepted[/]: nothing to change",
                CommandStatus.Rejected => $"[yellow]rejected[/]: {Markup.Escape(result.Message)}",
                CommandStatus.Unauthorized => $"[red]unauthorized[/]: {Markup.Escape(result.Message)}",
                _ => $"[red]failed[/]: {Markup.Escape(result.Message)}",
            };
            table.AddRow((++i).ToString(), Markup.Escape(Who(caller)), Markup.Escape(request.Text), outcome);
        }
        AnsiConsole.Write(table);
    }

    private static string Who(Caller caller) =>
        caller.IsAuthenticated ? $"{caller.Actor} ({string.Join(", ", caller.Roles)})" : "(anonymous)";

    private static void PrintEvents(DemoScenario scenario)
    {
        Section($"Event log (tenant '{DemoScenario.Tenant}')");
        var table = new Table().AddColumns("pos", "time", "stream@version", "type", "tags", "actor", "body");
        foreach (var e in scenario.Context.MemoryStore.Read(DemoScenario.Tenant, EventQuery.All, CancellationToken.None).Result)
        {
            table.AddRow(e.Position.ToString(), e.Timestamp.ToString("MM-dd HH:mm:ss"),
                Markup.Escape(e.Stream is null ? "-" : $"{e.Stream}@{e.StreamVersion}"), e.Type,
                Markup.Escape(string.Join(" ", e.Tags)), Markup.Escape(e.Metadata.Actor), Markup.Escape(e.Body));
        }
        AnsiConsole.Write(table);
    }

    private static void PrintActivity(DemoScenario scenario)
    {
        Section("Processors and periodic tasks");
        var table = new Table().AddColumns("time", "tenant", "kind", "who", "what", "outcome");
        foreach (var a in scenario.Activities.Where(a => a.Kind != ActivityKind.Command))
            table.AddRow(a.Time.ToString("MM-dd HH:mm:ss"), a.Tenant, a.Kind.ToString(), Markup.Escape(a.Who), Markup.Escape(a.What), Markup.Escape(a.Outcome));
        AnsiConsole.Write(table);
    }

    private static T Model<T>(DemoScenario scenario, string name, string tenant = DemoScenario.Tenant) =>
        (T)scenario.ReadModels.Read(tenant, name).State;

    private static string BillingModel => BillingViewModule.Name;

    private static void PrintReadModels(DemoScenario scenario)
    {
        Section("Read models");
        var lists = new Table().Title(TodoListsView.Name).AddColumns("list", "name", "owner", "items");
        foreach (var list in Model<FSharpMap<string, TodoListView>>(scenario, TodoListsView.Name).Values)
            lists.AddRow(list.Id, Markup.Escape(list.Name), list.Owner,
                Markup.Escape(string.Join(", ", list.Items.Select(i => $"#{i.Id} {i.Text}{(i.Done ? " (done)" : "")}"))));
        AnsiConsole.Write(lists);

        var customers = new Table().Title(CustomersView.Name).AddColumns("email", "customer", "invited by", "status");
        foreach (var c in Model<FSharpMap<string, CustomerView>>(scenario, CustomersView.Name).Values)
            customers.AddRow(Markup.Escape(c.Email), c.CustomerId, c.InvitedBy, c.Status);
        AnsiConsole.Write(customers);

        var board = new Table().Title(LeaderboardView.Name).AddColumns("user", "points");
        foreach (var (user, points) in Model<FSharpMap<string, int>>(scenario, LeaderboardView.Name).Select(kv => (kv.Key, kv.Value)))
            board.AddRow(user, points.ToString());
        AnsiConsole.Write(board);

        var billing = Model<BillingView>(scenario, BillingModel);
        var invoices = new Table().Title(BillingModel).AddColumns("period due", "invoice", "amount");
        foreach (var period in billing.DuePeriods)
        {
            var invoice = billing.Invoices.Values.FirstOrDefault(i => i.Period == period);
            invoices.AddRow(period, invoice?.InvoiceId ?? "-", invoice is null ? "-" : $"{invoice.AmountCents / 100m:F2} EUR");
        }
        AnsiConsole.Write(invoices);
    }

    private static void PrintQueries(DemoScenario scenario)
    {
        Section("Queries (through the query processor, over the read-model engine)");
        var table = new Table().AddColumns("caller", "query", "answer");
        var page = new Requests.Page(0);
        Row(table, scenario, DemoScenario.Dan, "lists", page,
            (FSharpList<TodoListView> l) => string.Join(", ", l.Select(x => $"{x.Name} ({x.OpenCount} open)")));
        Row(table, scenario, DemoScenario.Dan, "list", new Requests.ListById("groceries"),
            (FSharpOption<TodoListView> l) => l is null ? "none" : string.Join(", ", l.Value.Items.Select(i => i.Text)));
        Row(table, scenario, DemoScenario.Dan, "leaderboard", page,
            (FSharpList<Queries.Standing> l) => string.Join(", ", l.Select(x => $"{x.User} {x.Points}")));
        Row(table, scenario, DemoScenario.Bob, "invoices", page, (FSharpList<InvoiceView> l) => $"{l.Length} invoice(s)");
        Row(table, scenario, DemoScenario.Ann, "invoices", page,
            (FSharpList<InvoiceView> l) => string.Join(", ", l.Select(i => $"{i.InvoiceId} {i.AmountCents / 100m:F2} EUR")));
        Row(table, scenario, DemoScenario.Anonymous, "customers", page, (FSharpList<CustomerView> l) => $"{l.Length} customer(s)");
        var other = new Caller(DemoScenario.OtherTenant, "gil", [Access.Roles.Admin], "");
        Row(table, scenario, other, "lists", page, (FSharpList<TodoListView> l) => $"{l.Length} list(s): a tenant sees only its own");
        AnsiConsole.Write(table);
    }

    private static void Row<T>(Table table, DemoScenario scenario, Caller caller, string query, object request, Func<T, string> show)
    {
        var outcome = scenario.Queries.ExecuteAsync(caller, query, request).GetAwaiter().GetResult();
        var answer = outcome switch
        {
            QueryOutcome.Answered a => Markup.Escape(show((T)a.value)),
            QueryOutcome.Unauthorized u => $"[red]unauthorized[/]: {Markup.Escape(u.reason)}",
            QueryOutcome.NotFound n => $"[red]refused[/]: {Markup.Escape(n.what)}",
            _ => Markup.Escape(outcome.ToString() ?? ""),
        };
        var where = caller.Tenant == DemoScenario.Tenant ? "" : $" (tenant '{caller.Tenant}')";
        table.AddRow(Markup.Escape(Who(caller) + where), Markup.Escape(query), answer);
    }
}
