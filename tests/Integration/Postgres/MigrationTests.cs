using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

public sealed class MigrationTests
{
    [Fact]
    public async Task nodes_starting_together_migrate_once_and_all_work()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin);
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresEventStore.CreateAsync(options))));
        try
        {
            await using var connection = await Sql.OpenAsync(admin);
            var versions = PostgresMigrations.Versions.ToArray();
            Assert.True(versions.Length >= 2);
            Assert.Equal(versions, await connection.ColumnAsync<int>("SELECT version FROM hybrid.schema_migrations ORDER BY version"));
            var tenant = $"t-{Guid.NewGuid():N}";
            var appended = await Task.WhenAll(stores.Select(s => s.Append(AppendRequest.Of(tenant, Propose(Event("A"))), default)));
            Assert.Equal([1L, 2L, 3L, 4L], appended.Select(a => a.Events[0].Position).Order());

            await PostgresEventStore.MigrateAsync(admin);
            Assert.Equal((long)versions.Length, await connection.ScalarAsync("SELECT count(*) FROM hybrid.schema_migrations"));
            Assert.Equal(4L, await stores[0].GetHead(tenant, default));
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task bad_schema_or_role_names_are_rejected_before_connecting()
    {
        var options = PostgresEventStoreOptions.ForAdmin("Host=127.0.0.1;Port=1;Username=x");
        var schema = await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.CreateAsync(options with { Schema = "a; drop table x" }));
        Assert.Contains("Schema", schema.Message);
        var role = await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.CreateAsync(options with { ApplicationRole = "App" }));
        Assert.Contains("ApplicationRole", role.Message);
    }
}
