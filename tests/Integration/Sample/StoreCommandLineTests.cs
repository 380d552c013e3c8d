using Hybrid.Sample.Host;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `verify` and `backup` answer a user's mistake as `ops` does: a --data directory with no store, or a backup target
/// that is not empty, prints one line and exits 2, creating nothing; a store another process holds exits 1.
/// </summary>
public sealed class StoreCommandLineTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-store-cli-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static async Task<(int Code, string[] Output, string[] Errors)> Run(params string[] args)
    {
        using var process = ServeProcess.Start(args);
        var code = await process.ExitCode();
        return (code, process.Output.ToArray(), process.Errors.ToArray());
    }

    private async Task<string> Seeded()
    {
        var data = Path.Combine(_temp.FullName, "data");
        using var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(data) });
        Assert.IsType<AppendResult.Appended>(await store.Append(AppendRequest.Of("acme", new ProposedEvent(Guid.CreateVersion7(),
            EventData.Create("ListCreated", "{\"listId\":\"l1\",\"name\":\"L\"}", "list-l1"), EventMetadata.Empty)), default));
        return data;
    }

    private static string NoStoreLine(string command, string data) =>
        $"hybrid-sample {command}: --data: there is no event store in '{Path.Combine(data, "events")}' (no data.mdb): give the data directory a serve wrote.";

    [Fact]
    public async Task verify_backup_and_ops_on_a_data_directory_with_no_store_print_the_same_line_exit_with_2_and_create_nothing()
    {
        var data = Path.Combine(_temp.FullName, "mistyped");
        var copy = Path.Combine(_temp.FullName, "copy");
        foreach (var (command, args) in new (string, string[])[]
                 {
                     ("verify", ["verify", "--data", data]),
                     ("backup", ["backup", "--data", data, "--to", copy]),
                     ("ops", ["ops", "lag", "--data", data]),
                 })
        {
            var (code, output, errors) = await Run(args);
            Assert.Equal((2, NoStoreLine(command, data)), (code, Assert.Single(errors)));
            Assert.Empty(output);
        }
        Assert.False(Directory.Exists(data), "nothing is created in the mistyped directory");
        Assert.False(Directory.Exists(copy), "no backup target is created");
    }

    [Fact]
    public async Task backup_into_a_directory_that_is_not_empty_prints_one_line_exits_with_2_and_leaves_it_as_it_was()
    {
        var data = await Seeded();
        var target = Path.Combine(_temp.FullName, "full");
        var events = Directory.CreateDirectory(SampleDataDirectory.EventStore(target)).FullName;
        File.WriteAllText(Path.Combine(events, "keep.txt"), "mine");

        var (code, output, errors) = await Run("backup", "--data", data, "--to", target);

        Assert.Equal((2, $"hybrid-sample backup: --to: The backup target '{events}' is not empty: copy into an empty or new directory."),
            (code, Assert.Single(errors)));
        Assert.Empty(output);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(events).Select(Path.GetFileName));
    }

    [Fact]
    public async Task verify_of_a_store_another_process_has_open_is_a_failure_exit_1_not_a_mistake()
    {
        var data = await Seeded();
        using var open = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = SampleDataDirectory.EventStore(data) });

        var (code, output, errors) = await Run("verify", "--data", data);

        Assert.Equal(1, code);
        Assert.StartsWith("hybrid-sample verify: ", Assert.Single(errors));
        Assert.Empty(output);
    }
}
