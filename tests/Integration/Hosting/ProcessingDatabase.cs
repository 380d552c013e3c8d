using Hybrid.Shell.Postgres;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Hosting;

/// <summary>A fresh PostgreSQL database migrated (events, leases, dead letters), for processor hosts.</summary>
internal static class ProcessingDatabase
{
    /// <summary>Creates and migrates the database; returns its admin connection string and the store.</summary>
    public static async Task<(string Admin, PostgresEventStore Store)> CreateAsync(string name)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync(name);
        var store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(admin));
        return (admin, store);
    }

    /// <summary>Appends an OrderPlaced event for the order.</summary>
    public static async Task<RecordedEvent> PlaceOrder(IEventStore store, string tenant, string order) =>
        (await store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), Ordering.orderPlaced(order, false), EventMetadata.Empty)), default)).Events[0];
}
