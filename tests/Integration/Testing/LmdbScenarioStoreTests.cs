using Hybrid.Sample;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Testing;

namespace Hybrid.Tests.Integration.Testing;

/// <summary>The test kit's LMDB store: the embedded store on real files, in a directory of the user's or a temporary one.</summary>
public sealed class LmdbScenarioStoreTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-lmdb-scenario-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task the_shared_lmdb_store_keeps_its_data_in_real_files_in_a_temporary_directory()
    {
        var store = Assert.IsType<LmdbEventStore>(await Stores.lmdb.Open.Invoke(null!));
        Assert.Equal("LMDB", Stores.lmdb.Name);
        Assert.True(File.Exists(store.DataFile));
        Assert.StartsWith(Path.GetTempPath(), store.DataFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_scenario_runs_on_an_lmdb_store_in_a_directory_given_and_its_events_are_in_that_file()
    {
        var directory = Path.Combine(_temp.FullName, "store");
        var factory = Stores.lmdbAt(directory);
        await Scenario.Named("adding an item on LMDB")
            .Given(TodoLists.Events.encode(TodoLists.Events.Event.NewListCreated(new TodoLists.Events.Created("l1", "Groceries", "ann"))))
            .WhenCommand(Definitions.registry, Scenario.Caller("ann", "admin", "member"), "AddItem", new Requests.AddItem("l1", "milk"))
            .ThenEvents(TodoLists.Events.encode(TodoLists.Events.Event.NewItemAdded(new TodoLists.Events.ItemAdded("l1", 1, "milk"))))
            .VerifyOn(factory);
        using var store = Assert.IsType<LmdbEventStore>(await factory.Open.Invoke(null!));
        Assert.Equal(Path.Combine(directory, "data.mdb"), store.DataFile);
        var tenants = await store.GetTenants(CancellationToken.None);
        var tenant = Assert.Single(tenants);
        Assert.StartsWith("tenant", tenant, StringComparison.Ordinal);
        Assert.Equal(["ListCreated", "ItemAdded"], (await store.Read(tenant, EventQuery.All, CancellationToken.None)).Select(e => e.Type));
    }
}
