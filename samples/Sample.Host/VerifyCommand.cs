using System.CommandLine;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Sample.Host;

/// <summary>
/// `verify --data DIR`: checks the embedded event store in DIR/events offline (no serve may have it open): the file's
/// structure (in a child process), every record's checksum, and the indexes against the log. Exit code 0 when sound,
/// 2 when DIR holds no store (as `ops` answers), 1 when the store is damaged or another process has it open.
/// </summary>
internal static class VerifyCommand
{
    public static System.CommandLine.Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data directory whose embedded event store (its events/ folder) to check.", Required = true };
        var command = new System.CommandLine.Command("verify", "Check the embedded event store offline: structure, checksums, indexes.") { data };
        command.SetAction(parse => Verify(parse.GetValue(data)!));
        return command;
    }

    private static int Verify(string data)
    {
        if (SampleDataDirectory.NoStoreIn(data) is { } noStore)
        {
            Console.Error.WriteLine($"hybrid-sample verify: {noStore}");
            return CliArguments.BadArguments;
        }
        try
        {
            var result = LmdbStoreVerifier.Verify(SampleDataDirectory.EventStore(data));
            if (result.Sound) Console.WriteLine($"verify: {result}");
            else Console.Error.WriteLine($"hybrid-sample verify: {result}");
            return result.Sound ? 0 : 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"hybrid-sample verify: {e.Message}");
            return 1;
        }
    }
}
