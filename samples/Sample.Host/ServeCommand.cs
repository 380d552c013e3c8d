using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>
/// `serve --data DIR`: the application as a hosted service with its HTTP API (<see cref="SampleServer"/>) on the
/// embedded store in DIR/events, no database server. `serve --postgres <connection string>`: the same on PostgreSQL;
/// the connection string is the owner's (it migrates the schema); the application itself connects as the non-owner
/// role that row-level security applies to. The database need not be reachable when it starts: the node listens at
/// once, answers 503 and logs why (an outage as a warning, a wrong password or a missing database as an error saying what
/// to fix) until it can open and migrate the database, then serves with no restart. Several `serve` processes on one database with different node ids share
/// the processors' work: leases move between them.
/// </summary>
internal static class ServeCommand
{
    public static System.CommandLine.Command Create()
    {
        var postgres = CliArguments.Text("--postgres",
            "The owner's PostgreSQL connection string: it migrates the schema and creates the application role. " +
            "Without it, the events are in the embedded store in --data.", null, CliArguments.CheckConnectionString);
        var urls = CliArguments.Text("--urls", "Where to listen: http:// or https:// URLs separated by ';'.", "http://127.0.0.1:5080",
            CliArguments.CheckUrls);
        var appPassword = CliArguments.Text("--app-password",
            $"The password of the application role (hybrid_app) the service connects as (else ${ApplicationPassword.EnvironmentVariable}); " +
            "set when the role is created, never changed after.", null);
        var nodeId = CliArguments.Text("--node-id",
            "This node's id in the lease store; processes on one database with different ids share the work " +
            "(default: derived from the machine and the --data directory, the same on every restart).", null);
        var data = CliArguments.Text("--data",
            "The data directory: the LMDB read-model cache, and without --postgres the embedded event store in its events/ folder " +
            "(with --postgres, default: one per database under the temp directory).", null);
        var command = new System.CommandLine.Command("serve", "Host the application with its HTTP API on the embedded store (--data) or PostgreSQL (--postgres).")
        {
            postgres, urls, appPassword, nodeId, data,
        };
        command.SetAction((parse, ct) => Serve(new SampleServerOptions
        {
            Postgres = parse.GetValue(postgres),
            Urls = parse.GetValue(urls)!,
            AppPassword = ApplicationPassword.Resolve(parse.GetValue(appPassword)),
            NodeId = parse.GetValue(nodeId),
            DataDirectory = parse.GetValue(data),
        }, ct));
        return command;
    }

    private static async Task<int> Serve(SampleServerOptions options, CancellationToken ct)
    {
        if (options.Embedded && options.DataDirectory is null)
        {
            Console.Error.WriteLine("hybrid-sample serve: give --data DIR to keep the events in DIR (the embedded store), or --postgres CONNECTION for PostgreSQL.");
            return CliArguments.BadArguments;
        }
        if (ListenCheck.Problem(options.Urls) is { } taken) return Fail($"--urls: {taken}");

        WebApplication web;
        try { web = await SampleServer.BuildAsync(options, ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return 0; } // asked to stop before anything started
        catch (IOException ex) { return Fail(ex.Message); }
        catch (ArgumentException ex) { return Fail(ex.Message); } // configuration, such as a master key that is not one
        await using var _ = web;
        try
        {
            if (!await SampleServer.TryStartAsync(web, ct)) return 0; // asked to stop while starting: stopped gracefully
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or ArgumentException)
        {
            await web.StopAsync(CancellationToken.None); // the processors may have started: hand their leases back
            return Fail($"--urls: cannot listen on {options.Urls}: {ex.Message}");
        }
        PrintEndpoints(SampleServer.Address(web).ToString().TrimEnd('/'), options);
        await web.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"hybrid-sample serve: {message}");
        return 1;
    }

    /// <summary>
    /// The endpoints table. Everything the operator chose (an IPv6 address such as [::1] in the URL, a node id) is
    /// escaped: Spectre reads square brackets as markup, and serve failed after it had started listening.
    /// </summary>
    private static void PrintEndpoints(string address, SampleServerOptions options)
    {
        var url = Markup.Escape(address);
        var store = options.Embedded ? "the embedded store" : "PostgreSQL";
        var table = new Table().Title(Markup.Escape($"hybrid-sample on {store}, node {options.ResolvedNodeId}")).AddColumns("endpoint", "what");
        table.AddRow($"POST {url}/commands/{{name}}", "CreateList, RenameList, AddItem, CompleteItem, DeleteItem, ClearCompleted, DeleteList, InviteCustomer");
        table.AddRow($"POST {url}/queries/{{name}}", "lists, list, customers, leaderboard, invoices");
        table.AddRow($"GET  {url}/introspection", "every command, query, read model, processor and periodic task, described");
        table.AddRow($"GET  {url}/health", "processors, scheduler, leases held, dead letters");
        table.AddRow("headers", "X-Tenant (required), X-Actor, X-Roles (member, admin, viewer), X-Correlation-Id");
        AnsiConsole.Write(table);
        if (options.Embedded) AnsiConsole.MarkupLine(Markup.Escape($"Event store (LMDB): {options.EventStoreDirectory}"));
        AnsiConsole.MarkupLine(Markup.Escape($"Read-model cache (LMDB): {options.ResolvedDataDirectory}"));
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Try: curl -s -X POST {address}/commands/CreateList -H 'X-Tenant: acme' -H 'X-Actor: ann' -H 'X-Roles: member' " +
            "-H 'Content-Type: application/json' -d '{\"listId\":\"groceries\",\"name\":\"Groceries\"}'"));
        AnsiConsole.MarkupLine("Press Ctrl+C to stop.");
    }
}
