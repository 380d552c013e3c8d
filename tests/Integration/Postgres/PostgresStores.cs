using Hybrid.Shell.Postgres;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Stores on fresh databases of the shared test server.</summary>
public static class PostgresStores
{
    /// <summary>A migrated store on a fresh database, connecting as the application role.</summary>
    public static async Task<PostgresEventStore> CreateAsync(Func<PostgresEventStoreOptions, PostgresEventStoreOptions>? configure = null)
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        return await PostgresEventStore.CreateAsync(configure is null ? options : configure(options));
    }

    /// <summary>Proposes events with fresh ids.</summary>
    public static ProposedEvent[] Propose(params EventData[] events) =>
        events.Select(e => new ProposedEvent(Guid.CreateVersion7(), e, EventMetadata.Empty)).ToArray();

    /// <summary>An event of a type, in a stream or none, with tags.</summary>
    public static EventData Event(string type, string? stream = null, params string[] tags) =>
        new(type, tags, stream!, $$"""{"type":"{{type}}"}""", 1);
}
