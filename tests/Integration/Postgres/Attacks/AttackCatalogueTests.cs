using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Npgsql;
using Xunit.Abstractions;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres.Attacks;

/// <summary>
/// Least privilege, proved by attack: connected as the application role (and as an operator's login with the reporting
/// role), every attempt of the catalogue is refused and leaves the database as it was. Two tenants hold events,
/// streams, checkpoints, dead letters and a lease; a node heartbeat is live.
/// </summary>
public sealed class AttackCatalogueTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _mine = $"mine-{Guid.NewGuid():N}"[..13];
    private readonly string _theirs = $"theirs-{Guid.NewGuid():N}"[..15];
    private readonly string _operator = $"hybrid_operator_{Guid.NewGuid():N}"[..24];
    private string _admin = "";
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _admin = await PostgresTestServer.CreateDatabaseAsync("hybrid_attacks");
        _store = await PostgresEventStore.CreateAsync(PostgresEventStoreOptions.ForAdmin(_admin));
        foreach (var tenant in new[] { _mine, _theirs })
        {
            await _store.Append(AppendRequest.Of(tenant, Propose(Event("A", "s-1", "k:1"), Event("B", "s-1"))), default);
            await _store.WriteCheckpoint(tenant, new CheckpointWrite("invoicer", 1, 1), default);
        }
        await using (var letters = new PostgresDeadLetterStore(_store.Options.ConnectionString))
            foreach (var tenant in new[] { _mine, _theirs })
                await letters.Put(new DeadLetter(tenant, "invoicer", 2, Guid.CreateVersion7(), "B", "boom", 3, DateTimeOffset.UtcNow, DeadLetterStatus.Pending), default);
        await using (var leases = new PostgresLeaseStore(_store.Options.ConnectionString))
        {
            Assert.NotNull(await leases.TryAcquire($"processor/invoicer/tenant:{_theirs}", "n1", TimeSpan.FromMinutes(5), default));
            Assert.NotNull(await leases.TryAcquire(Leasing.nodeResource("n1"), "n1", TimeSpan.FromMinutes(5), default));
        }
        await using var admin = await Sql.OpenAsync(_admin);
        await admin.ExecuteAsync($"CREATE ROLE {_operator} LOGIN IN ROLE hybrid_reporting");
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await using var admin = await Sql.OpenAsync(_admin);
        await admin.ExecuteAsync($"DROP ROLE IF EXISTS {_operator}");
    }

    private async Task<string> SuperuserAsync()
    {
        await using var admin = await Sql.OpenAsync(_admin);
        return (string)(await admin.ScalarAsync("SELECT current_user"))!;
    }

    [Fact]
    public async Task every_attack_of_the_application_role_is_refused_and_changes_nothing()
    {
        var attacks = ApplicationRoleAttacks.All(await SuperuserAsync()).ToList();
        var failures = await new AttackRunner(_admin, _mine, _theirs).RunAsync(_store.Options.ConnectionString, attacks);
        output.WriteLine($"Attack catalogue as hybrid_app: {attacks.Count} attempts, {attacks.Count - failures.Count} refused.");
        Assert.True(attacks.Count >= 40, $"only {attacks.Count} attacks");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task the_reporting_role_reads_every_tenant_and_every_write_it_attempts_is_refused()
    {
        var login = new NpgsqlConnectionStringBuilder(_admin) { Username = _operator, Password = null }.ConnectionString;
        await using (var reporting = await Sql.OpenAsync(login))
        {
            Assert.Equal(2L, await reporting.ScalarAsync("SELECT count(DISTINCT tenant_id) FROM hybrid.events"));
            Assert.Equal(2L, await reporting.ScalarAsync("SELECT count(*) FROM hybrid.dead_letters"));
            Assert.Equal(_theirs, await reporting.ScalarAsync("SELECT tenant_id FROM hybrid.processor_leases"));
            Assert.Equal(1L, await reporting.ScalarAsync("SELECT count(*) FROM hybrid.nodes"));
        }
        var attacks = ReportingRoleAttacks.All().ToList();
        var failures = await new AttackRunner(_admin, _mine, _theirs).RunAsync(login, attacks);
        output.WriteLine($"Attack catalogue as hybrid_reporting: {attacks.Count} attempts, {attacks.Count - failures.Count} refused.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task the_runner_reports_attempts_that_get_through_and_changes_they_make()
    {
        Attack[] allowed =
        [
            Attack.Denied("read own events", "SELECT * FROM hybrid.events"),
            Attack.Hidden("read own head", "SELECT * FROM hybrid.tenants"),
            Attack.Ignored("advance own head", "SELECT hybrid.advance_head('{mine}', 1)"),
        ];
        var failures = await new AttackRunner(_admin, _mine, _theirs).RunAsync(_store.Options.ConnectionString, allowed);
        Assert.Collection(failures,
            f => Assert.StartsWith("read own events: succeeded (2 rows", f),
            f => Assert.StartsWith("read own head: reached 1 rows", f),
            f => Assert.StartsWith("advance own head: changed the database", f));
    }

    [Fact]
    public async Task only_the_application_and_reporting_roles_may_connect_to_the_database()
    {
        var intruder = $"hybrid_intruder_{Guid.NewGuid():N}"[..24];
        await using (var admin = await Sql.OpenAsync(_admin))
            await admin.ExecuteAsync($"CREATE ROLE {intruder} LOGIN");
        try
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() =>
                Sql.OpenAsync(new NpgsqlConnectionStringBuilder(_admin) { Username = intruder, Pooling = false }.ConnectionString));
            Assert.Equal("42501", refused.SqlState);
        }
        finally
        {
            await using var admin = await Sql.OpenAsync(_admin);
            await admin.ExecuteAsync($"DROP ROLE {intruder}");
        }
    }
}
