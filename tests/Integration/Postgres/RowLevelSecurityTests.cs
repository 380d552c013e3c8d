using Hybrid.Shell.Postgres;
using Npgsql;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>Tenant isolation enforced by the database itself: raw SQL as the application role, not through the store.</summary>
public sealed class RowLevelSecurityTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;
    private readonly string _mine = $"mine-{Guid.NewGuid():N}";
    private readonly string _theirs = $"theirs-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        _store = await CreateAsync();
        await _store.Append(AppendRequest.Of(_mine, Propose(Event("A", "s-1", "k:1"), Event("B", "s-1"))), default);
        await _store.Append(AppendRequest.Of(_theirs, Propose(Event("A", "s-1", "k:1"))), default);
        await _store.WriteCheckpoint(_theirs, new CheckpointWrite("p", 1, 1), default);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<NpgsqlConnection> AsAppIn(string tenant)
    {
        var connection = await Sql.OpenAsync(_store.Options.ConnectionString);
        await connection.BeginTransactionAsync();
        await connection.ScalarAsync("SELECT set_config('hybrid.tenant', @t, true)", ("t", tenant));
        return connection;
    }

    [Fact]
    public async Task another_tenants_rows_are_invisible_to_the_application_role()
    {
        await using var connection = await AsAppIn(_mine);
        Assert.Equal(2L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.events"));
        Assert.Equal(0L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.events WHERE tenant_id = @t", ("t", _theirs)));
        Assert.Equal(0L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.tenants WHERE tenant_id = @t", ("t", _theirs)));
        Assert.Equal(0L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.streams WHERE tenant_id = @t", ("t", _theirs)));
        Assert.Equal(0L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.checkpoints"));
    }

    [Fact]
    public async Task without_a_tenant_set_the_application_role_sees_nothing()
    {
        await using var connection = await Sql.OpenAsync(_store.Options.ConnectionString);
        Assert.Equal(0L, await connection.ScalarAsync("SELECT count(*) FROM hybrid.events"));
    }

    [Fact]
    public async Task inserting_or_updating_rows_of_another_tenant_fails()
    {
        await using (var connection = await AsAppIn(_mine))
        {
            var insert = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
                "INSERT INTO hybrid.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, \"timestamp\") " +
                "VALUES (@t, 99, gen_random_uuid(), NULL, 0, 'X', '{}', '{}', '{}', 1, now())", ("t", _theirs)));
            Assert.Equal("42501", insert.SqlState);
        }
        await using (var connection = await AsAppIn(_mine))
        {
            Assert.Equal(0, await connection.ExecuteAsync("UPDATE hybrid.streams SET version = 0 WHERE tenant_id = @t", ("t", _theirs)));
            var move = await Assert.ThrowsAsync<PostgresException>(() =>
                connection.ExecuteAsync("UPDATE hybrid.events SET tenant_id = @t", ("t", _theirs)));
            Assert.Equal("42501", move.SqlState);
        }
        Assert.Equal(1L, await _store.GetHead(_theirs, default));
        Assert.Equal(2L, await _store.GetHead(_mine, default));
    }

    [Fact]
    public async Task the_application_role_cannot_disable_row_level_security()
    {
        await using var connection = await Sql.OpenAsync(_store.Options.ConnectionString);
        foreach (var statement in new[]
                 {
                     "ALTER TABLE hybrid.events DISABLE ROW LEVEL SECURITY",
                     "ALTER TABLE hybrid.events NO FORCE ROW LEVEL SECURITY",
                     "DROP POLICY tenant_isolation ON hybrid.events",
                 })
        {
            var denied = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));
            Assert.Equal("42501", denied.SqlState);
        }
        await connection.ExecuteAsync("SET row_security = off");
        var bypass = await Assert.ThrowsAsync<PostgresException>(() => connection.ScalarAsync("SELECT count(*) FROM hybrid.events"));
        Assert.Equal("42501", bypass.SqlState);
    }

    [Fact]
    public async Task the_store_refuses_to_connect_as_a_superuser()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync();
        var options = PostgresEventStoreOptions.ForAdmin(admin) with { ConnectionString = admin };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresEventStore.CreateAsync(options));
        Assert.Contains("row-level security", refused.Message);
    }
}
