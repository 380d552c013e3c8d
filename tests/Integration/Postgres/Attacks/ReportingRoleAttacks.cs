namespace Hybrid.Tests.Integration.Postgres.Attacks;

/// <summary>
/// What an operator's login with the reporting role might write by mistake (or on purpose): it reads every tenant,
/// and every write, function call that writes, and new object is refused.
/// </summary>
public static class ReportingRoleAttacks
{
    private static readonly string[] Tables = ["events", "streams", "tenants", "checkpoints", "dead_letters", "processor_leases", "nodes", "schema_migrations"];

    private static string ColumnOf(string table) => table switch
    {
        "schema_migrations" => "description",
        "processor_leases" or "nodes" => "owner",
        _ => "tenant_id",
    };

    public static IEnumerable<Attack> All() =>
    [
        Attack.Denied("insert an event",
            "INSERT INTO hybrid.events (tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, \"timestamp\") " +
            "VALUES ('{theirs}', 99, gen_random_uuid(), NULL, 0, 'Forged', '{}', '{}', '{}', 1, now())"),
        Attack.Denied("insert a head", "INSERT INTO hybrid.tenants (tenant_id, head) VALUES ('{theirs}-2', 9)"),
        Attack.Denied("forge a dead letter", "INSERT INTO hybrid.dead_letters VALUES ('{theirs}', 'invoicer', 9, gen_random_uuid(), 'Forged', 'boom', 1, now(), 0)"),
        Attack.Denied("forge a lease", "INSERT INTO hybrid.processor_leases (resource, owner, fencing_token, expires_at) VALUES ('processor/x/tenant:{theirs}', 'intruder', 999, 'infinity')"),
        .. Tables.Select(t => Attack.Denied($"update {t}", $"UPDATE hybrid.{t} SET {ColumnOf(t)} = 'x'")),
        .. Tables.Select(t => Attack.Denied($"delete from {t}", $"DELETE FROM hybrid.{t}")),
        .. Tables.Select(t => Attack.Denied($"truncate {t}", $"TRUNCATE hybrid.{t}")),
        Attack.Denied("lock a tenant's head", "SELECT hybrid.lock_tenant('{theirs}')"),
        Attack.Denied("advance a tenant's head", "SELECT hybrid.advance_head('{theirs}', 1)"),
        Attack.Denied("write a checkpoint", "SELECT hybrid.write_checkpoints('{theirs}', ARRAY['invoicer'], ARRAY[0::bigint], ARRAY[99::bigint])"),
        Attack.Denied("delete a stream", "SELECT hybrid.delete_stream('{theirs}', 's-1')"),
        Attack.Denied("take a lease", "SELECT * FROM hybrid.acquire_lease('processor/other/tenant:{theirs}', 'intruder', '30 seconds')"),
        Attack.Denied("release a lease", "SELECT hybrid.release_lease('processor/invoicer/tenant:{theirs}', 'n1', 1)"),
        Attack.Denied("forget nodes", "SELECT hybrid.forget_nodes('1 second')"),
        Attack.Denied("create a table", "CREATE TABLE hybrid.intruder (x int)"),
        Attack.Denied("create a temporary table", "CREATE TEMP TABLE intruder (x int)"),
        Attack.Denied("create a large object", "SELECT lo_create(0)"),
        Attack.Denied("become the owner", "SET ROLE hybrid_owner"),
        Attack.Denied("run a program with COPY", "COPY hybrid.events TO PROGRAM 'true'"),
    ];
}
