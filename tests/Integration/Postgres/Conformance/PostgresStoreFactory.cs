using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Lifecycle;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Postgres.Conformance;

/// <summary>One PostgreSQL store, on its own database, shared by every conformance test: tests use fresh tenants, so
/// sharing also checks isolation (and exercises group commit across tests running at once).</summary>
public sealed class PostgresStoreFactory : IEventStoreFactory, ISubjectKeyStoreFactory, ILeaseStoreFactory, IDeadLetterStoreFactory
{
    private static readonly Lazy<Task<PostgresEventStore>> Shared = new(() => PostgresStores.CreateAsync());

    /// <inheritdoc />
    public async Task<IEventStore> CreateAsync() => await Shared.Value;

    /// <inheritdoc />
    public async Task<ISubjectKeyStore> CreateKeysAsync() => await SharedKeys.Value;

    private static readonly Lazy<Task<PostgresSubjectKeyStore>> SharedKeys = new(async () =>
    {
        var store = await Shared.Value;
        return new PostgresSubjectKeyStore(store.Options.ConnectionString, store.Options.Schema);
    });

    /// <inheritdoc />
    public async Task<ILeaseStore> CreateLeasesAsync() => await SharedLeases.Value;

    private static readonly Lazy<Task<PostgresLeaseStore>> SharedLeases = new(async () =>
    {
        var store = await Shared.Value;
        return new PostgresLeaseStore(store.Options.ConnectionString, store.Options.Schema);
    });

    /// <inheritdoc />
    public async Task<IDeadLetterStore> CreateDeadLettersAsync() => await SharedDeadLetters.Value;

    private static readonly Lazy<Task<PostgresDeadLetterStore>> SharedDeadLetters = new(async () =>
    {
        var store = await Shared.Value;
        return new PostgresDeadLetterStore(store.Options.ConnectionString, store.Options.Schema);
    });
}
