using System.CommandLine;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Sample.Host;

/// <summary>
/// `backup --data DIR --to DIR2`: a consistent copy of the embedded event store, taken while serve runs or not, into
/// DIR2/events, verified. Restore with `serve --data DIR2` (the read-model cache is rebuilt from the log). Exit code 2
/// when DIR holds no store (as `ops` answers) or DIR2/events is not empty, nothing created; 1 when the copy fails.
/// </summary>
internal static class BackupCommand
{
    public static System.CommandLine.Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data directory whose embedded event store to copy.", Required = true };
        var to = new Option<string>("--to") { Description = "An empty (or new) directory for the copy; serve --data on it restores.", Required = true };
        var command = new System.CommandLine.Command("backup", "Copy the embedded event store (online, consistent, compacted) and verify the copy.") { data, to };
        command.SetAction(parse => Backup(parse.GetValue(data)!, parse.GetValue(to)!));
        return command;
    }

    private static int Backup(string data, string to)
    {
        if (SampleDataDirectory.NoStoreIn(data) is { } noStore)
        {
            Console.Error.WriteLine($"hybrid-sample backup: {noStore}");
            return CliArguments.BadArguments;
        }
        try
        {
            var target = SampleDataDirectory.EventStore(to);
            var copy = LmdbBackup.Copy(SampleDataDirectory.EventStore(data), target);
            Console.WriteLine($"backup: {copy.Events} events of {copy.Tenants} tenants copied to {target} and verified; restore with: serve --data {to}");
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"hybrid-sample backup: --to: {e.Message}");
            return CliArguments.BadArguments;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"hybrid-sample backup: {e.Message}");
            return 1;
        }
    }
}
