using System.CommandLine;
using Hybrid.Shell.Postgres;
using Npgsql;

namespace Hybrid.Sample.Host;

using Command = System.CommandLine.Command;

/// <summary>
/// `migrate --postgres <owner connection string> [--postgres <another>…] [--script]`: applies the schema's migrations
/// (the SQL files embedded in the PostgreSQL shell) to every database given (all the databases of a tenancy map), or
/// with <c>--script</c> prints the SQL of those not yet applied for a DBA to review and run with psql (all of them
/// when <c>--postgres</c> is left out). Each database gets one line; the first that fails stops the command.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var postgres = new Option<string[]>("--postgres")
        {
            Description = "The owner's PostgreSQL connection string (required unless --script prints every migration); repeat it for every database of a tenancy map.",
        };
        var script = new Option<bool>("--script") { Description = "Print the SQL of the pending migrations instead of applying them." };
        var appPassword = new Option<string?>("--app-password")
        {
            Description = $"The password of the application role when it is created (else ${ApplicationPassword.EnvironmentVariable}); an existing role's is never changed.",
        };
        var command = new Command("migrate", "Apply the PostgreSQL migrations, or print them as SQL for a DBA.") { postgres, script, appPassword };
        command.SetAction((parse, ct) => Run(parse.GetValue(postgres), parse.GetValue(script), ApplicationPassword.Resolve(parse.GetValue(appPassword)), ct));
        return command;
    }

    private static async Task<int> Run(string[]? databases, bool script, string? appPassword, CancellationToken ct)
    {
        if (databases is null || databases.Length == 0)
            return script ? await RunOne(null, script, appPassword, ct) : Fail("--postgres is required (or give --script to print every migration).");
        foreach (var postgres in databases)
        {
            var exit = await RunOne(postgres, script, appPassword, ct);
            if (exit != 0) return exit;
        }
        return 0;
    }

    private static async Task<int> RunOne(string? postgres, bool script, string? appPassword, CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder? database = null;
        if (postgres is not null)
        {
            try { database = new NpgsqlConnectionStringBuilder(postgres); }
            catch (ArgumentException ex) { return Fail($"--postgres is not a PostgreSQL connection string: {ex.Message}"); }
        }
        try
        {
            if (script)
            {
                Console.Out.Write(await PostgresMigrations.ScriptAsync(postgres, ct: ct));
                return 0;
            }
            var applied = await PostgresMigrations.ApplyAsync(postgres!, applicationRolePassword: appPassword, ct: ct);
            var latest = PostgresMigrations.Versions[^1];
            Console.Out.WriteLine(applied.Length == 0
                ? $"Database '{database!.Database}' is up to date (migration {latest})."
                : $"Applied migration{(applied.Length == 1 ? "" : "s")} {string.Join(", ", applied)} to database '{database!.Database}' (now at migration {latest}).");
            return 0;
        }
        catch (NpgsqlException ex)
        {
            return Fail($"--postgres: cannot migrate database '{database!.Database}' on {database.Host}:{database.Port} as '{database.Username}': {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return Fail(ex.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"migrate: {message}");
        return 1;
    }
}
