using System.Runtime.CompilerServices;
using Hybrid.Shell.Postgres.Lifecycle;
using Hybrid.Shell.Routing;
using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// Subject keys of tenants spread over several PostgreSQL databases: each tenant's keys live in its database (its
/// <c>subject_keys</c> table), so a tenant move copies them with the tenant's events. Adding and forgetting a key pass
/// the tenant's write gate like appends do: a move waits for them and holds them while it copies, so no key is
/// written to the old database after the copy read it.
/// </summary>
public sealed class RoutingSubjectKeyStore(RoutingEventStore routes, string schema = "hybrid") : ISubjectKeyStore
{
    private readonly ConditionalWeakTable<TenantDatabase, PostgresSubjectKeyStore> _byDatabase = new();

    /// <inheritdoc />
    public Task<byte[]> GetOrAdd(string tenant, string subject, byte[] candidate, CancellationToken ct) =>
        Writing(tenant, keys => keys.GetOrAdd(tenant, subject, candidate, ct), ct);

    /// <inheritdoc />
    public async Task<byte[]> TryGet(string tenant, string subject, CancellationToken ct)
    {
        StoreInput.Subject(tenant, subject);
        var database = await routes.DatabaseOf(tenant, ct);
        return await DatabaseCalls.Run(tenant, database.Name, () => KeysOf(database).TryGet(tenant, subject, ct));
    }

    /// <inheritdoc />
    public Task<bool> Forget(string tenant, string subject, CancellationToken ct) =>
        Writing(tenant, keys => keys.Forget(tenant, subject, ct), ct);

    private async Task<T> Writing<T>(string tenant, Func<PostgresSubjectKeyStore, Task<T>> call, CancellationToken ct)
    {
        StoreInput.Tenant(tenant);
        await routes.Gate.Enter(tenant, ct);
        try
        {
            var database = await routes.DatabaseOf(tenant, ct);
            return await DatabaseCalls.Run(tenant, database.Name, () => call(KeysOf(database)));
        }
        finally { routes.Gate.Exit(tenant); }
    }

    private PostgresSubjectKeyStore KeysOf(TenantDatabase database) => _byDatabase.GetValue(database, d =>
        d.Store is PostgresEventStore { Options.DataSource: { } source }
            ? new PostgresSubjectKeyStore(source, schema)
            : throw new InvalidOperationException($"Database '{d.Name}' is not a PostgreSQL store opened on a data source."));
}
