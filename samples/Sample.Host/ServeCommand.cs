using System.CommandLine;
using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>`serve --postgres <connection string>`: the application as a hosted service with the HTTP API.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var postgres = new Option<string>("--postgres")
        {
            Description = "The PostgreSQL connection string of the event store.",
            Required = true,
        };
        var command = new Command("serve", "Host the application with its HTTP API against PostgreSQL.") { postgres };
        command.SetAction(parse =>
        {
            var connection = parse.GetValue(postgres);
            AnsiConsole.MarkupLine("[yellow]serve is not available yet:[/] it needs the hosting (AddHybrid) and the HTTP adapter, " +
                "which this build does not have. Run [bold]demo[/] or [bold]simulate[/] instead.");
            AnsiConsole.MarkupLine($"(connection string given: {Markup.Escape(Redacted(connection ?? ""))})");
            return 2;
        });
        return command;
    }

    private static string Redacted(string connection) =>
        string.Join(';', connection.Split(';').Select(part =>
            part.TrimStart().StartsWith("password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : part));
}
