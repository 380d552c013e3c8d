using System.CommandLine;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Http;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Queries;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>
/// `serve --postgres <connection string>`: the application on PostgreSQL with the HTTP API, its processors and the
/// monthly billing task on one node. The connection string is the owner's (it migrates the schema); the application
/// itself connects as the non-owner role that row-level security applies to.
/// </summary>
internal static class ServeCommand
{
    public static System.CommandLine.Command Create()
    {
        var postgres = new Option<string>("--postgres")
        {
            Description = "The owner's PostgreSQL connection string: it migrates the schema and creates the application role.",
            Required = true,
        };
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var appPassword = new Option<string>("--app-password")
        {
            Description = "The password of the application role (hybrid_app) the service connects as.",
            DefaultValueFactory = _ => "hybrid-sample",
        };
        var command = new System.CommandLine.Command("serve", "Host the application with its HTTP API against PostgreSQL.") { postgres, urls, appPassword };
        command.SetAction((parse, ct) => Serve(parse.GetValue(postgres)!, parse.GetValue(urls)!, parse.GetValue(appPassword)!, ct));
        return command;
    }

    private static async Task<int> Serve(string owner, string urls, string appPassword, CancellationToken ct)
    {
        var application = new NpgsqlConnectionStringBuilder(owner) { Username = "hybrid_app", Password = appPassword }.ConnectionString;
        await using var store = await PostgresEventStore.CreateAsync(new PostgresEventStoreOptions
        {
            ConnectionString = application,
            MigrationConnectionString = owner,
            ApplicationRolePassword = appPassword,
        }, ct);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var web = builder.Build();
        var logger = web.Services.GetService(typeof(ILoggerFactory)) is ILoggerFactory factory
            ? factory.CreateLogger("hybrid-sample")
            : NullLogger.Instance;

        var registry = Definitions.registry;
        var commands = new CommandProcessor(store, UuidV7IdSource.System, CommandCatalog.Of(registry));
        await using var views = new ReadModelEngine(store, registry);
        var queries = QueryProcessor.Of(registry, store, views);
        web.MapHybrid(new HybridHttpOptions { Commands = commands, Queries = queries, Registry = registry, Views = views });

        // One node: leases and dead letters in memory until the hosting layer (AddHybrid) provides PostgreSQL ones.
        var effects = new EffectHandlers([
            new DelegateEffectHandler(Effects.SendEmail, (c, _) => Log($"email {c.Intent.Payload}")),
            new DelegateEffectHandler(Effects.ChargeCard, (c, _) => Log($"charge {c.Intent.Payload}")),
        ]);
        var runtime = new ProcessorRuntime(store, new InMemoryLeaseStore(TimeProvider.System), new InMemoryDeadLetterStore(), effects,
            TimeProvider.System, new ProcessorOptions { NodeId = $"serve-{Environment.ProcessId}" }, logger);
        await using var processors = new TodoProcessorHost(runtime, Definitions.processors);
        await using var scheduler = new PeriodicScheduler(store, UuidV7IdSource.System, TimeProvider.System, Definitions.periodicTasks,
            new SchedulerOptions(), logger);
        await processors.StartAsync(ct);
        await scheduler.StartAsync(ct);

        PrintEndpoints(urls);
        await web.RunAsync();
        return 0;
    }

    private static Task Log(string line)
    {
        AnsiConsole.MarkupLine($"[grey]{DateTimeOffset.UtcNow:HH:mm:ss}[/] effect: {Markup.Escape(line)}");
        return Task.CompletedTask;
    }

    private static void PrintEndpoints(string urls)
    {
        var table = new Table().Title("hybrid-sample on PostgreSQL").AddColumns("endpoint", "what");
        table.AddRow($"POST {urls}/commands/{{name}}", "CreateList, RenameList, AddItem, CompleteItem, DeleteItem, ClearCompleted, DeleteList, InviteCustomer");
        table.AddRow($"POST {urls}/queries/{{name}}", "lists, list, customers, leaderboard, invoices");
        table.AddRow($"GET  {urls}/introspection", "every command, query and read model, described");
        table.AddRow("headers", "X-Tenant (required), X-Actor, X-Roles (member, admin, viewer), X-Correlation-Id");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Try: curl -s -X POST {urls}/commands/CreateList -H 'X-Tenant: acme' -H 'X-Actor: ann' -H 'X-Roles: member' " +
            "-H 'Content-Type: application/json' -d '{\"listId\":\"groceries\",\"name\":\"Groceries\"}'"));
        AnsiConsole.MarkupLine("Press Ctrl+C to stop.");
    }
}
