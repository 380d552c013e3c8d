using Hybrid.Sample;
using Hybrid.Testing;
using Hybrid.Tests.Integration.Postgres;

namespace Hybrid.Tests.Integration.Testing;

/// <summary>
/// The sample's scenarios written in C# with the test kit, each run on the pure definitions and, unchanged, on one
/// store; enrolled once per store (a new store is one more line at the bottom).
/// </summary>
public abstract class SampleScenarioTests(StoreFactory store)
{
    private static readonly Caller Ann = Scenario.Caller("ann", "admin", "member");
    private static readonly EventData Created =
        TodoLists.Events.encode(TodoLists.Events.Event.NewListCreated(new TodoLists.Events.Created("l1", "Groceries", "ann")));
    private static readonly EventData Milk =
        TodoLists.Events.encode(TodoLists.Events.Event.NewItemAdded(new TodoLists.Events.ItemAdded("l1", 1, "milk")));

    [Fact]
    public Task adding_an_item_writes_item_added() =>
        Scenario.Named("adding an item")
            .Given(Created)
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("l1", "milk"))
            .ThenEvents(Milk)
            .VerifyEverywhere(store);

    [Fact]
    public Task a_concurrent_invite_of_the_same_email_is_a_conflict() =>
        Scenario.Named("a concurrent invite of the same email")
            .WhenCommand(Definitions.registry, Ann, "InviteCustomer", new Requests.InviteCustomer("c-2", "zoe@example.com"))
            .Concurrently(Invites.Events.encode(Invites.Events.Event.NewCustomerInvited(new Invites.Events.Invited("c-1", "zoe@example.com", "ann", History.epoch))))
            .ThenConflict()
            .VerifyEverywhere(store);

    [Fact]
    public Task a_completed_item_earns_its_completer_a_point() =>
        Scenario.Named("a completion earns a point")
            .Given(Created, Milk)
            .WhenHandling(Definitions.processors.Single(p => p.Name == Hybrid.Sample.Processors.PointsAwarding),
                TodoLists.Events.encode(TodoLists.Events.Event.NewItemCompleted(new TodoLists.Events.ItemRef("l1", 1))))
            .ThenEmits(Points.Events.encode(Points.award("", new TodoLists.Events.ItemRef("l1", 1))))
            .VerifyEverywhere(store);

    [Fact]
    public Task monthly_billing_fires_once_at_the_turn_of_the_month() =>
        Scenario.Named("billing at the turn of the month")
            .Given(Created)
            .WhenScheduled(Definitions.billingTask, new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 2, 1, 0, 0, 30, TimeSpan.Zero))
            .ThenFires(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero))
            .VerifyEverywhere(store);

    [Fact]
    public Task adding_to_a_list_that_does_not_exist_is_rejected_with_its_code() =>
        Scenario.Named("adding to a missing list")
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("nope", "milk"))
            .ThenRejected("rejected")
            .VerifyEverywhere(store);

    [Fact]
    public async Task anonymous_callers_and_viewers_are_unauthorized_and_expecting_otherwise_fails()
    {
        foreach (var caller in new[] { Scenario.Anonymous, Scenario.Caller("dan", "viewer") })
            await Scenario.Named($"adding an item as '{caller.Actor}'")
                .Given(Created)
                .WhenCommand(Definitions.registry, caller, "AddItem", new Requests.AddItem("l1", "milk"))
                .ThenUnauthorized()
                .VerifyEverywhere(store);
        var wrong = Scenario.Named("a viewer expected to add")
            .Given(Created)
            .WhenCommand(Definitions.registry, Scenario.Caller("dan", "viewer"), "AddItem", new Requests.AddItem("l1", "milk"))
            .ThenEvents(Milk);
        await Assert.ThrowsAsync<ScenarioFailedException>(() => wrong.VerifyOn(store));
    }

    [Fact]
    public async Task a_wrong_expectation_fails_naming_the_store_and_showing_both_events_as_json()
    {
        var wrong = Scenario.Named("expecting eggs")
            .Given(Created)
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("l1", "milk"))
            .ThenEvents(TodoLists.Events.encode(TodoLists.Events.Event.NewItemAdded(new TodoLists.Events.ItemAdded("l1", 1, "eggs"))));
        var error = await Assert.ThrowsAsync<ScenarioFailedException>(() => wrong.VerifyOn(store));
        Assert.Contains($"Scenario 'expecting eggs' on the {store.Name} store", error.Message);
        Assert.Contains("\"text\": \"eggs\"", error.Message);
        Assert.Contains("\"text\": \"milk\"", error.Message);
    }

    [Fact]
    public async Task an_out_of_date_expected_version_is_a_version_mismatch_and_the_current_one_writes()
    {
        var adding = Scenario.Named("adding at a version")
            .Given(Created, Milk)
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("l1", "eggs"));
        await adding.ExpectingVersion(1).ThenVersionMismatch().VerifyEverywhere(store);
        await adding.ExpectingVersion(2)
            .ThenEvents(TodoLists.Events.encode(TodoLists.Events.Event.NewItemAdded(new TodoLists.Events.ItemAdded("l1", 2, "eggs"))))
            .VerifyEverywhere(store);
        await adding.ExpectingVersion(ExpectedVersion.NoStream).ThenVersionMismatch().VerifyEverywhere(store);
    }

    [Fact]
    public async Task invalid_input_is_invalid_naming_the_field_on_the_definitions_and_the_store()
    {
        await Scenario.Named("an empty list id")
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("", "milk"))
            .ThenInvalid("listId")
            .VerifyEverywhere(store);
        await Scenario.Named("a null command")
            .WhenCommand(Definitions.registry, Ann, "AddItem", null!)
            .ThenInvalid("body")
            .VerifyEverywhere(store);
        var wrongField = Scenario.Named("expecting another field")
            .WhenCommand(Definitions.registry, Ann, "AddItem", new Requests.AddItem("", "milk"))
            .ThenInvalid("text");
        var error = await Assert.ThrowsAsync<ScenarioFailedException>(() => wrongField.VerifyEverywhere(store));
        Assert.Contains($"on the {store.Name} store: expected the request to be refused as invalid, naming the field 'text'", error.Message);
        Assert.Contains("naming the field 'listId'", error.Message);
    }

    [Fact]
    public Task an_invite_records_the_scenarios_instant_in_the_scenarios_tenant() =>
        Scenario.Named("an invite at midsummer")
            .InTenant("acme.eu_1")
            .At(new DateTimeOffset(2026, 6, 21, 12, 30, 0, TimeSpan.Zero))
            .WhenCommand(Definitions.registry, Ann, "InviteCustomer", new Requests.InviteCustomer("c-2", "zoe@example.com"))
            .ThenEvents(Invites.Events.encode(Invites.Events.Event.NewCustomerInvited(
                new Invites.Events.Invited("c-2", "zoe@example.com", "ann", new DateTimeOffset(2026, 6, 21, 12, 30, 0, TimeSpan.Zero)))))
            .VerifyEverywhere(store);
}

/// <summary>The sample's scenarios on the in-memory store.</summary>
public sealed class InMemorySampleScenarioTests() : SampleScenarioTests(Stores.inMemory);

/// <summary>The sample's scenarios on the embedded LMDB store (real files in a temporary directory).</summary>
public sealed class LmdbSampleScenarioTests() : SampleScenarioTests(Stores.lmdb);

/// <summary>The sample's scenarios on PostgreSQL (the test run's server).</summary>
public sealed class PostgresSampleScenarioTests() : SampleScenarioTests(ScenarioStores.Postgres);

/// <summary>Stores for scenarios on the test run's servers.</summary>
public static class ScenarioStores
{
    /// <summary>PostgreSQL on a fresh database of the test run's server.</summary>
    public static readonly StoreFactory Postgres =
        StoreFactory.Create("PostgreSQL", async () => await PostgresStores.CreateAsync());
}
