using Npgsql;

namespace Hybrid.Tests.Integration.Postgres.Attacks;

/// <summary>
/// Runs attacks one by one, each on a fresh connection in its own transaction (committed when the statement succeeds,
/// so a write that got through would stay), and checks its refusal and that the database did not change: every table's
/// rows, large objects, relations, policies, row-level security flags and the roles' attributes, read as the superuser.
/// </summary>
public sealed class AttackRunner(string admin, string mine, string theirs)
{
    private const string Snapshot = """
        SELECT concat_ws(E'\n',
            (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM hybrid.events t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.streams t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.tenants t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.checkpoints t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.dead_letters t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.processor_leases t),
            (SELECT coalesce(string_agg(t::text, ',' ORDER BY t::text), '') FROM hybrid.nodes t),
            (SELECT count(*) FROM hybrid.schema_migrations),
            (SELECT count(*) FROM pg_largeobject_metadata),
            (SELECT string_agg(format('%s.%s:%s:%s:%s', relnamespace::regnamespace, relname, relrowsecurity, relforcerowsecurity, relowner::regrole),
                               ',' ORDER BY relnamespace::regnamespace::text, relname)
             FROM pg_class WHERE relnamespace IN ('public'::regnamespace, 'hybrid'::regnamespace)),
            (SELECT string_agg(format('%s:%s', polrelid::regclass, polname), ',' ORDER BY polrelid::regclass::text, polname) FROM pg_policy),
            (SELECT string_agg(format('%s:%s:%s:%s', rolname, rolsuper, rolbypassrls, rolcanlogin), ',' ORDER BY rolname) FROM pg_roles
             WHERE rolname IN ('hybrid_app', 'hybrid_owner', 'hybrid_reporting', 'intruder')),
            (SELECT count(*) FROM pg_auth_members WHERE roleid = 'hybrid_owner'::regrole))
        """;

    /// <summary>Runs every attack as the login of the connection string, in a transaction of tenant <c>mine</c>; returns each failure to refuse.</summary>
    public async Task<List<string>> RunAsync(string connectionString, IEnumerable<Attack> attacks)
    {
        var failures = new List<string>();
        foreach (var attack in attacks)
            if (await RunAsync(connectionString, attack) is { } failure)
                failures.Add($"{attack.Name}: {failure}");
        return failures;
    }

    private async Task<string?> RunAsync(string connectionString, Attack attack)
    {
        var before = await SnapshotAsync();
        var sql = attack.Sql.Replace("{mine}", mine).Replace("{theirs}", theirs);
        string? failure;
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await connection.ScalarAsync("SELECT set_config('hybrid.tenant', @t, true)", ("t", mine));
            try
            {
                var rows = 0;
                var affected = 0;
                await using (var command = new NpgsqlCommand(sql, connection, tx))
                await using (var reader = await command.ExecuteReaderAsync())
                {
                    do
                    {
                        while (await reader.ReadAsync()) rows++;
                    } while (await reader.NextResultAsync());
                    affected = reader.RecordsAffected;
                }
                await tx.CommitAsync();
                failure = attack.Refusal switch
                {
                    Refusal.Error => $"succeeded ({rows} rows, {affected} affected) instead of failing with {string.Join(" or ", attack.Accepted)}",
                    Refusal.NoRows when rows > 0 || affected > 0 => $"reached {rows} rows ({affected} affected)",
                    _ => null,
                };
            }
            catch (PostgresException e)
            {
                failure = attack.Refusal == Refusal.Error && attack.Accepted.Contains(e.SqlState)
                    ? null
                    : $"failed with {e.SqlState} ({e.MessageText}) instead of {(attack.Refusal == Refusal.Error ? string.Join(" or ", attack.Accepted) : attack.Refusal)}";
            }
        }
        var after = await SnapshotAsync();
        return failure ?? (before == after ? null : $"changed the database:\n{before}\n-- became --\n{after}");
    }

    private async Task<string> SnapshotAsync()
    {
        await using var connection = await Sql.OpenAsync(admin);
        return (string)(await connection.ScalarAsync(Snapshot))!;
    }
}
