using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Postgres.Conformance;

/// <summary>One PostgreSQL store, on its own database, shared by every conformance test: tests use fresh tenants, so
/// sharing also checks isolation (and exercises group commit across tests running at once).</summary>
public sealed class PostgresStoreFactory : IEventStoreFactory
{
    private static readonly Lazy<Task<IEventStore>> Shared = new(async () => await PostgresStores.CreateAsync());

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Shared.Value;
}
