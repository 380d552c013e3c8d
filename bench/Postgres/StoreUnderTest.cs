// The PostgreSQL event store as the benchmarks run it: migrated by the superuser, used through its application role.
using Hybrid.Shell.Postgres;

namespace Hybrid.Bench.Postgres;

/// <summary>Creates the store under test on the run's database.</summary>
public static class StoreUnderTest
{
    /// <summary>A migrated <see cref="PostgresEventStore"/> connecting as its application role (row-level security on).</summary>
    public static Task<PostgresEventStore> CreateAsync(BenchServer server, bool isolateRefusedAppends = true) =>
        PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(server.ConnectionString) with { IsolateRefusedAppends = isolateRefusedAppends });
}
