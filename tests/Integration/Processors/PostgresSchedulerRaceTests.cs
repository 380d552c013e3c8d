using Hybrid.Shell.Ids;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Tenants;
using Hybrid.Shell.Scheduling;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Hybrid.Tests.Integration.Processors;

/// <summary>
/// Periodic schedulers of several nodes, each with its own PostgreSQL store and tenant catalogue on one database,
/// racing every round: each due instant fires once per tenant, also for a tenant only one node registered.
/// </summary>
public sealed class PostgresSchedulerRaceTests
{
    [Fact]
    public async Task three_nodes_racing_on_one_database_write_one_trigger_and_one_output_per_tenant_and_instant_including_catalogue_only_tenants()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin) with { Clock = clock };
        var stores = new List<PostgresEventStore>();
        var catalogues = new List<PostgresTenantCatalogue>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                stores.Add(await PostgresEventStore.CreateAsync(options));
                catalogues.Add(new PostgresTenantCatalogue(options.ConnectionString, clock: clock));
            }
            await stores[0].Append(AppendRequest.Of("busy", new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced("first", false), EventMetadata.Empty)), default);
            Assert.True(await catalogues[1].Register("quiet", default));
            var task = PeriodicTask.Create("pulse", Schedule.NewEvery(TimeSpan.FromSeconds(30)), t => [Ordering.orderPlaced($"pulse-{t.DueAt:HHmmss}", false)]);
            var schedulers = stores.Zip(catalogues, (store, catalogue) =>
                new PeriodicScheduler(store, new UuidV7IdSource(clock), clock, [task], new SchedulerOptions(), NullLogger.Instance, catalogue)).ToArray();

            for (var step = 0; step < 36; step++)
            {
                clock.Advance(TimeSpan.FromSeconds(5));
                await Task.WhenAll(schedulers.Select(s => Task.Run(() => s.RunDue(default))));
            }

            var expected = Enumerable.Range(1, 6).Select(i => $"pulse-{TimeSpan.FromSeconds(30 * i):hhmmss}").ToArray();
            foreach (var tenant in new[] { "busy", "quiet" })
            {
                var triggers = await stores[2].Read(tenant, EventQuery.OfTags(Hybrid.Triggers.taskTag("pulse")), default);
                var due = triggers.Select(e => Hybrid.Triggers.lastDue("pulse", [e]).Value).ToArray();
                Assert.Equal(6, due.Length);
                Assert.Equal(due.Distinct().Count(), due.Length);
                var pulses = TestProcessors.OrdersOf(await stores[2].Read(tenant, EventQuery.OfTypes(Ordering.Types.OrderPlaced), default))
                    .Where(o => o.StartsWith("pulse-", StringComparison.Ordinal));
                Assert.Equal(expected, pulses.Order());
            }
        }
        finally
        {
            foreach (var catalogue in catalogues) await catalogue.DisposeAsync();
            foreach (var store in stores) await store.DisposeAsync();
        }
    }
}
