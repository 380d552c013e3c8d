using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>
/// `serve --postgres <connection string>`: the application as a hosted service with its HTTP API (<see cref="SampleServer"/>).
/// The connection string is the owner's (it migrates the schema); the application itself connects as the non-owner
/// role that row-level security applies to. Several `serve` processes on one database with different node ids share
/// the processors' work: leases move between them.
/// </summary>
internal static class ServeCommand
{
    public static System.CommandLine.Command Create()
    {
        var postgres = CliArguments.Text("--postgres",
            "The owner's PostgreSQL connection string: it migrates the schema and creates the application role.", null, ConnectionStringProblem);
        postgres.Required = true;
        var urls = CliArguments.Text("--urls", "Where to listen: http:// or https:// URLs separated by ';'.", "http://127.0.0.1:5080",
            CliArguments.CheckUrls);
        var appPassword = CliArguments.Text("--app-password", "The password of the application role (hybrid_app) the service connects as.",
            "hybrid-sample");
        var nodeId = CliArguments.Text("--node-id",
            "This node's id in the lease store; processes on one database with different ids share the work.", SampleServerOptions.DefaultNodeId);
        var data = CliArguments.Text("--data",
            "The directory of the LMDB read-model cache (default: one per database under the temp directory).", null);
        var command = new System.CommandLine.Command("serve", "Host the application with its HTTP API against PostgreSQL.")
        {
            postgres, urls, appPassword, nodeId, data,
        };
        command.SetAction((parse, ct) => Serve(new SampleServerOptions
        {
            Postgres = parse.GetValue(postgres)!,
            Urls = parse.GetValue(urls)!,
            AppPassword = parse.GetValue(appPassword)!,
            NodeId = parse.GetValue(nodeId)!,
            DataDirectory = parse.GetValue(data),
        }, ct));
        return command;
    }

    private static async Task<int> Serve(SampleServerOptions options, CancellationToken ct)
    {
        var database = new NpgsqlConnectionStringBuilder(options.Postgres);
        if (ListenCheck.Problem(options.Urls) is { } taken) return Fail($"--urls: {taken}");

        WebApplication web;
        try { web = await SampleServer.BuildAsync(options, ct); }
        catch (NpgsqlException ex)
        {
            return Fail($"--postgres: cannot migrate database '{database.Database}' on {database.Host}:{database.Port} as '{database.Username}': {ex.Message}");
        }
        catch (IOException ex) { return Fail(ex.Message); }
        await using var _ = web;
        try { await web.StartAsync(ct); }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or ArgumentException)
        {
            await web.StopAsync(CancellationToken.None); // the processors may have started: hand their leases back
            return Fail($"--urls: cannot listen on {options.Urls}: {ex.Message}");
        }
        PrintEndpoints(SampleServer.Address(web).ToString().TrimEnd('/'), options);
        await web.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private static string? ConnectionStringProblem(string text)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a PostgreSQL connection string ({e.Message})";
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"hybrid-sample serve: {message}");
        return 1;
    }

    private static void PrintEndpoints(string url, SampleServerOptions options)
    {
        var table = new Table().Title($"hybrid-sample on PostgreSQL, node {options.NodeId}").AddColumns("endpoint", "what");
        table.AddRow($"POST {url}/commands/{{name}}", "CreateList, RenameList, AddItem, CompleteItem, DeleteItem, ClearCompleted, DeleteList, InviteCustomer");
        table.AddRow($"POST {url}/queries/{{name}}", "lists, list, customers, leaderboard, invoices");
        table.AddRow($"GET  {url}/introspection", "every command, query, read model, processor and periodic task, described");
        table.AddRow($"GET  {url}/health", "processors, scheduler, leases held, dead letters");
        table.AddRow("headers", "X-Tenant (required), X-Actor, X-Roles (member, admin, viewer), X-Correlation-Id");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"Read-model cache (LMDB): {options.ResolvedDataDirectory}"));
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Try: curl -s -X POST {url}/commands/CreateList -H 'X-Tenant: acme' -H 'X-Actor: ann' -H 'X-Roles: member' " +
            "-H 'Content-Type: application/json' -d '{\"listId\":\"groceries\",\"name\":\"Groceries\"}'"));
        AnsiConsole.MarkupLine("Press Ctrl+C to stop.");
    }
}
