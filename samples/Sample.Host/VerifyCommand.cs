using System.CommandLine;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Sample.Host;

/// <summary>
/// `verify --data DIR`: checks the embedded event store in DIR/events offline (no serve may have it open): the file's
/// structure (in a child process), every record's checksum, and the indexes against the log. Exit code 0 when sound.
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
        try
        {
            var result = LmdbStoreVerifier.Verify(SampleDataDirectory.EventStore(data));
            (result.Sound ? Console.Out : Console.Error).WriteLine($"verify: {result}");
            return result.Sound ? 0 : 1;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"verify: {e.Message}");
            return 1;
        }
    }
}
