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

    [Fact]
    public async Task backup_of_a_damaged_store_prints_one_line_naming_the_stores_file_and_bad_key_exits_1_and_leaves_no_copy()
    {
        var data = await Seeded();
        var file = Path.Combine(SampleDataDirectory.EventStore(data), "data.mdb");
        var bytes = File.ReadAllBytes(file);
        var at = bytes.AsSpan().IndexOf("\"name\":\"L\""u8);
        Assert.True(at > 0);
        bytes[at + 8] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        var copy = Path.Combine(_temp.FullName, "copy");

        var (code, output, errors) = await Run("backup", "--data", data, "--to", copy);

        Assert.Equal((1, $"hybrid-sample backup: The event store file '{file}' is damaged: a record fails its checksum " +
                         "(first bad key: tenant 'acme', position 1 in 'events'). Restore it from a backup; 'verify' checks a store offline."),
            (code, Assert.Single(errors)));
        Assert.Empty(output);
        Assert.False(Directory.Exists(copy), "the unsound copy was left, so a second try would be refused as 'not empty'");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the sample's stores run on Linux
    public async Task a_store_file_this_user_may_not_read_is_a_permission_problem_for_verify_backup_ops_and_serve_not_damage()
    {
        var data = await Seeded();
        var events = SampleDataDirectory.EventStore(data);
        var file = Path.Combine(events, "data.mdb");
        // Everyone may reach and write the directories and the lock files; only the data file is closed to the user.
        foreach (var directory in new[] { _temp.FullName, data, events })
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        foreach (var other in Directory.EnumerateFiles(events)) File.SetUnixFileMode(other, (UnixFileMode)0b110_110_110);
        File.SetUnixFileMode(file, UnixFileMode.None);
        var copy = Path.Combine(_temp.FullName, "copy");
        var refused = $"The event store file '{file}' cannot be opened: the system refused it: Permission denied (errno 13). It is not reported as damaged: " +
                      "give the user this process runs as read and write access to it, to its lock.mdb and to its directory.";

        foreach (var (args, line) in new (string[], string)[]
                 {
                     (["verify", "--data", data], $"hybrid-sample verify: {refused}"),
                     (["backup", "--data", data, "--to", copy], $"hybrid-sample backup: {refused}"),
                     (["ops", "lag", "--data", data], $"hybrid-sample ops: --data: {refused}"),
                     (["serve", "--data", data, "--urls", "http://127.0.0.1:0"], $"hybrid-sample serve: {refused}"),
                 })
        {
            var (code, output, errors) = await RunAsAnotherUser(args);
            Assert.Equal((1, line), (code, Assert.Single(errors)));
            Assert.DoesNotContain(output, l => l.Contains("Now listening", StringComparison.Ordinal));
        }
        Assert.False(Directory.Exists(copy));
    }

    /// <summary>
    /// Runs the command as a user the file modes apply to: root may read any file, so as root the command runs as
    /// 'nobody', from a copy of the test's output folder that everyone may read (a checkout may sit in a folder only
    /// its owner may enter).
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task<(int Code, string[] Output, string[] Errors)> RunAsAnotherUser(params string[] args)
    {
        if (Environment.UserName != "root") return await Run(args);
        var program = ReadableByEveryone(AppContext.BaseDirectory);
        var dll = Path.Combine(program, "hybrid-sample.dll");
        // serve's content root is the working directory: one the user may enter.
        var start = new System.Diagnostics.ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = program };
        foreach (var arg in new[] { "-u", "nobody", "--", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", dll }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, Lines(await output), Lines(await errors));
    }

    /// <summary>A copy of the folder in this test's temp folder, which every user may enter and read.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private string ReadableByEveryone(string folder)
    {
        var copy = Path.Combine(_temp.FullName, "program");
        if (Directory.Exists(copy)) return copy;
        foreach (var source in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(folder, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        foreach (var directory in Directory.EnumerateDirectories(copy, "*", SearchOption.AllDirectories).Prepend(copy))
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        return copy;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
