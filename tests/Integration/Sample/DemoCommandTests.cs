using Hybrid.Sample.Host;
using Hybrid.Shell.Lmdb.EventStore;

namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `hybrid-sample demo`, the README's main job: on the embedded LMDB store by default (a temporary directory, deleted
/// afterwards), in a kept --data directory, or --in-memory; the same script prints the same tables on every store.
/// </summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-demo-test-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static async Task<(int Code, string[] Output, string[] Errors)> Run(params string[] args)
    {
        using var process = ServeProcess.Start(args);
        var code = await process.ExitCode();
        return (code, process.Output.ToArray(), process.Errors.ToArray());
    }

    [Fact]
    public async Task the_demo_runs_on_a_temporary_embedded_store_it_deletes_and_prints_what_the_in_memory_store_prints()
    {
        var embedded = await Run("demo");
        var memory = await Run("demo", "--in-memory");

        Assert.Equal((0, 0), (embedded.Code, memory.Code));
        Assert.Empty(embedded.Errors);
        var store = embedded.Output[0];
        Assert.StartsWith("Store: the embedded LMDB event store in ", store);
        Assert.EndsWith("(a temporary directory, deleted afterwards).", store);
        var directory = store["Store: the embedded LMDB event store in ".Length..store.IndexOf(" (", StringComparison.Ordinal)];
        Assert.False(Directory.Exists(directory), $"{directory} was left behind");
        Assert.Contains(embedded.Output, l => l.Contains("INV-2026-02") && l.Contains("19.99 EUR"));
        Assert.Equal("Store: in memory (nothing is written to disk).", memory.Output[0]);
        Assert.Equal(memory.Output[1..], embedded.Output[1..]);
    }

    [Fact]
    public async Task the_demo_keeps_its_store_in_data_which_verifies_and_a_second_run_there_is_refused_in_one_line()
    {
        var data = Path.Combine(_temp.FullName, "data");

        var first = await Run("demo", "--data", data);

        Assert.Equal(0, first.Code);
        Assert.Contains("(kept: try `verify`, `ops` or `serve` with --data on it).", first.Output[0]);
        var verified = LmdbStoreVerifier.Verify(SampleDataDirectory.EventStore(data));
        Assert.True(verified.Sound, verified.ToString());
        using (var store = LmdbEventStore.Open(SampleDataDirectory.EventStore(data)))
            Assert.Equal(["acme"], await store.GetTenants(default));

        var second = await Run("demo", "--data", data);
        Assert.Equal(2, second.Code);
        Assert.Contains("already holds events", Assert.Single(second.Errors));

        var both = await Run("demo", "--data", data, "--in-memory");
        Assert.Equal((2, "hybrid-sample demo: give --in-memory or --data, not both."), (both.Code, Assert.Single(both.Errors)));
    }

    [Fact]
    public async Task a_kept_demo_store_holds_the_leases_that_fenced_its_checkpoints_so_a_later_node_is_not_fenced_off_at_token_1()
    {
        var data = Path.Combine(_temp.FullName, "data");
        Assert.Equal(0, (await Run("demo", "--data", data)).Code);

        using var store = LmdbEventStore.Open(SampleDataDirectory.EventStore(data));
        var leases = new LmdbLeaseStore(store);
        var fenced = 0;
        foreach (var processor in new[] { "charging", "invite-emails", "invite-reminders", "invoicing", "points" })
        {
            var checkpoint = await store.ReadCheckpoint("acme", processor, default);
            // What a serve on the store does first: its node takes the lease the demo's nodes left (expired long ago).
            var lease = (await leases.TryAcquire($"processor/{processor}/tenant:acme", "serve-node", TimeSpan.FromMinutes(1), default)).Value;
            Assert.True(lease.FencingToken > checkpoint.Fence,
                $"{processor}: the next lease has token {lease.FencingToken}, but the demo fenced the checkpoint at {checkpoint.Fence}: its first write would be refused as a lost lease");
            if (checkpoint.Fence > 0) fenced++;
        }
        Assert.True(fenced > 0, "the demo's nodes claimed no checkpoint");
    }

    [Fact]
    public async Task demo_on_a_data_directory_whose_store_is_damaged_prints_one_demo_line_naming_the_option_and_exits_with_1()
    {
        var events = Directory.CreateDirectory(SampleDataDirectory.EventStore(Path.Combine(_temp.FullName, "data"))).FullName;
        File.WriteAllBytes(Path.Combine(events, "data.mdb"), []);

        var (code, output, errors) = await Run("demo", "--data", Path.Combine(_temp.FullName, "data"));

        Assert.Equal((1, $"hybrid-sample demo: --data: The event store file '{Path.Combine(events, "data.mdb")}' is damaged: the file is empty. " +
                         "Restore it from a backup; 'verify' checks a store offline."), (code, Assert.Single(errors)));
        Assert.Empty(output);
    }
}
