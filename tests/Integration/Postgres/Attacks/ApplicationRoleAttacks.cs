namespace Hybrid.Tests.Integration.Postgres.Attacks;

/// <summary>
/// What a bug in the application, or an intruder holding its connection without choosing another tenant, might try as
/// the application role inside a transaction of tenant <c>{mine}</c>: another tenant's rows, writes the code never
/// makes, forged leases and checkpoints, internal functions, new objects, other roles, and the server's files.
/// </summary>
public static class ApplicationRoleAttacks
{
    private const string EventColumns = "(tenant_id, position, id, stream_id, stream_version, type, tags, data, metadata, schema_version, \"timestamp\")";
    private const string Lease = "'processor/invoicer/tenant:{theirs}'";
    private const string Items = "'[{\"tags\":[],\"types\":[\"A\"]}]'::jsonb";

    public static IEnumerable<Attack> All(string superuser) =>
    [
        // Another tenant's rows: hidden by row-level security, or no privilege at all.
        Attack.Hidden("read another tenant's events", "SELECT * FROM hybrid.events WHERE tenant_id = '{theirs}'"),
        Attack.Hidden("read another tenant's streams", "SELECT * FROM hybrid.streams WHERE tenant_id = '{theirs}'"),
        Attack.Hidden("read another tenant's head", "SELECT * FROM hybrid.tenants WHERE tenant_id = '{theirs}'"),
        Attack.Hidden("read another tenant's checkpoints", "SELECT * FROM hybrid.checkpoints WHERE tenant_id = '{theirs}'"),
        Attack.Hidden("read another tenant's dead letters", "SELECT * FROM hybrid.dead_letters WHERE tenant_id = '{theirs}'"),
        Attack.Denied("read the leases table", "SELECT * FROM hybrid.processor_leases"),
        Attack.Denied("read the nodes table", "SELECT * FROM hybrid.nodes"),
        Attack.Denied("read the migration history", "SELECT * FROM hybrid.schema_migrations"),

        Attack.Denied("insert an event for another tenant",
            $"INSERT INTO hybrid.events {EventColumns} VALUES ('{{theirs}}', 99, gen_random_uuid(), NULL, 0, 'Forged', '{{}}', '{{}}', '{{}}', 1, now())"),
        Attack.Denied("insert a stream for another tenant", "INSERT INTO hybrid.streams (tenant_id, stream_id, version) VALUES ('{theirs}', 'forged', 9)"),
        Attack.Denied("insert a head for another tenant", "INSERT INTO hybrid.tenants (tenant_id, head) VALUES ('{theirs}-2', 9)"),
        Attack.Denied("insert a checkpoint for another tenant",
            "INSERT INTO hybrid.checkpoints (tenant_id, processor, position, fence) VALUES ('{theirs}', 'forged', 9, 99)"),
        Attack.Denied("forge a dead letter for another tenant",
            "INSERT INTO hybrid.dead_letters VALUES ('{theirs}', 'invoicer', 9, gen_random_uuid(), 'Forged', 'boom', 1, now(), 0)"),
        Attack.Denied("forge a lease row", "INSERT INTO hybrid.processor_leases (resource, owner, fencing_token, expires_at) VALUES ('processor/x/tenant:{theirs}', 'intruder', 999, 'infinity')"),
        Attack.Denied("forge a node row", "INSERT INTO hybrid.nodes VALUES ('intruder', 'intruder', 1, 'infinity')"),

        // Writes the application never makes, even in its own tenant.
        Attack.Denied("update own events", "UPDATE hybrid.events SET data = '{\"forged\":true}'"),
        Attack.Denied("move own events to another tenant", "UPDATE hybrid.events SET tenant_id = '{theirs}'"),
        Attack.Denied("delete own events", "DELETE FROM hybrid.events"),
        Attack.Denied("set own head directly", "UPDATE hybrid.tenants SET head = 0"),
        Attack.Denied("delete own head row", "DELETE FROM hybrid.tenants"),
        Attack.Denied("move own checkpoint directly", "UPDATE hybrid.checkpoints SET position = 0, fence = 0"),
        Attack.Denied("delete own checkpoints", "DELETE FROM hybrid.checkpoints"),
        Attack.Denied("delete own stream without the function", "UPDATE hybrid.streams SET deleted_up_to = version"),
        Attack.Denied("delete own stream rows", "DELETE FROM hybrid.streams"),
        Attack.Denied("delete own dead letters", "DELETE FROM hybrid.dead_letters"),
        Attack.Denied("move own dead letters to another tenant", "UPDATE hybrid.dead_letters SET tenant_id = '{theirs}'"),
        Attack.Denied("extend every lease", "UPDATE hybrid.processor_leases SET expires_at = 'infinity'"),
        Attack.Denied("delete every lease", "DELETE FROM hybrid.processor_leases"),
        Attack.Denied("update every node", "UPDATE hybrid.nodes SET expires_at = 'infinity'"),
        Attack.Denied("delete every node", "DELETE FROM hybrid.nodes"),
        Attack.Hidden("rewind another tenant's stream", "UPDATE hybrid.streams SET version = 0 WHERE tenant_id = '{theirs}' RETURNING *"),
        Attack.Hidden("discard another tenant's dead letters", "UPDATE hybrid.dead_letters SET status = 2 WHERE tenant_id = '{theirs}' RETURNING *"),

        Attack.Denied("rename a registered tenant", "UPDATE hybrid.tenant_catalogue SET tenant_id = 'renamed'"),
        Attack.Denied("unregister every tenant", "DELETE FROM hybrid.tenant_catalogue"),
        Attack.Denied("read the processor pauses directly", "SELECT * FROM hybrid.processor_pauses"),
        Attack.Denied("pause a processor behind the functions' back", "INSERT INTO hybrid.processor_pauses VALUES ('invoicer', '', now())"),
        .. new[] { "events", "streams", "tenants", "checkpoints", "dead_letters", "processor_leases", "nodes", "schema_migrations", "tenant_catalogue", "processor_pauses" }
            .Select(t => Attack.Denied($"truncate {t}", $"TRUNCATE hybrid.{t}")),
        Attack.Denied("lock the heads table against every writer", "LOCK TABLE hybrid.tenants IN ACCESS EXCLUSIVE MODE"),
        Attack.Denied("lock the events table against every reader", "LOCK TABLE hybrid.events IN ACCESS EXCLUSIVE MODE"),

        // The functions, called for another tenant or with forged values.
        Attack.Denied("lock another tenant's head", "SELECT hybrid.lock_tenant('{theirs}')"),
        Attack.Denied("advance another tenant's head", "SELECT hybrid.advance_head('{theirs}', 1)"),
        Attack.Denied("write another tenant's checkpoint", "SELECT hybrid.write_checkpoints('{theirs}', ARRAY['invoicer'], ARRAY[0::bigint], ARRAY[99::bigint])"),
        Attack.Denied("delete another tenant's stream", "SELECT hybrid.delete_stream('{theirs}', 's-1')"),
        Attack.Denied("read another tenant's positions", $"SELECT * FROM hybrid.matching_positions('{{theirs}}', {Items}, 0, 99, false, 0)"),
        Attack.Rejected("move own head by nothing", "SELECT hybrid.advance_head('{mine}', 0)", "22023"),
        Attack.Rejected("move own head back", "SELECT hybrid.advance_head('{mine}', -5)", "22023"),
        Attack.Rejected("move own checkpoint's fence back", "SELECT hybrid.write_checkpoints('{mine}', ARRAY['invoicer'], ARRAY[1::bigint], ARRAY[0::bigint])", "23514"),
        Attack.Hidden("take a lease another node holds", $"SELECT * FROM hybrid.acquire_lease({Lease}, 'intruder', '30 seconds')"),
        Attack.Hidden("renew a lease with a forged token", $"SELECT * FROM hybrid.renew_lease({Lease}, 'n1', 99, '30 seconds')"),
        Attack.Hidden("renew another node's lease", $"SELECT * FROM hybrid.renew_lease({Lease}, 'intruder', 1, '30 seconds')"),
        Attack.Ignored("release another node's lease", $"SELECT hybrid.release_lease({Lease}, 'intruder', 1)"),
        Attack.Rejected("take a lease for a century", "SELECT * FROM hybrid.acquire_lease('processor/other/tenant:{theirs}', 'intruder', '100 years')", "22023"),
        Attack.Rejected("take a node heartbeat as a lease", "SELECT * FROM hybrid.acquire_lease('node/n1', 'intruder', '30 seconds')", "22023"),
        Attack.Hidden("take another node's heartbeat", "SELECT * FROM hybrid.acquire_node('n1', 'intruder', '30 seconds')"),
        Attack.Ignored("end another node's heartbeat", "SELECT hybrid.release_node('n1', 'intruder', 1)"),
        Attack.Rejected("forget live nodes", "SELECT hybrid.forget_nodes('-1 hour')", "22023"),
        Attack.Denied("call the tenant check", "SELECT hybrid.require_tenant('{mine}')"),
        Attack.Denied("call the lease check", "SELECT hybrid.require_lease('x', 'y', '1 second')"),
        Attack.Denied("build another tenant's matching SQL", $"SELECT hybrid.matching_sql('{{theirs}}', {Items}, 0, 99, false, 0)"),

        // New objects, other roles, row-level security itself.
        Attack.Denied("create a table in the schema", "CREATE TABLE hybrid.intruder (x int)"),
        Attack.Denied("create a table in public", "CREATE TABLE public.intruder (x int)"),
        Attack.Denied("create a schema", "CREATE SCHEMA intruder"),
        Attack.Denied("create a temporary table", "CREATE TEMP TABLE intruder (x int)"),
        Attack.Denied("replace a SECURITY DEFINER function",
            "CREATE OR REPLACE FUNCTION hybrid.require_tenant(tenant text) RETURNS void LANGUAGE sql AS 'SELECT NULL'"),
        Attack.Denied("create a trigger on events", "CREATE TRIGGER intruder BEFORE INSERT ON hybrid.events FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"),
        Attack.Denied("drop the events table", "DROP TABLE hybrid.events"),
        Attack.Denied("take over the events table", "ALTER TABLE hybrid.events OWNER TO hybrid_app"),
        Attack.Denied("grant itself the leases table", "GRANT SELECT ON hybrid.processor_leases TO hybrid_app"),
        Attack.Denied("disable row-level security", "ALTER TABLE hybrid.events DISABLE ROW LEVEL SECURITY"),
        Attack.Denied("stop forcing row-level security", "ALTER TABLE hybrid.events NO FORCE ROW LEVEL SECURITY"),
        Attack.Denied("drop the tenant policy", "DROP POLICY tenant_isolation ON hybrid.events"),
        Attack.Denied("turn row security off", "SET LOCAL row_security = off; SELECT * FROM hybrid.events"),
        Attack.Denied("become the owner", "SET ROLE hybrid_owner"),
        Attack.Denied("become the superuser", $"SET ROLE {superuser}"),
        Attack.Denied("become the superuser for the session", $"SET SESSION AUTHORIZATION {superuser}"),
        Attack.Denied("join the owner role", "GRANT hybrid_owner TO hybrid_app"),
        Attack.Denied("bypass row-level security", "ALTER ROLE hybrid_app BYPASSRLS"),
        Attack.Denied("create a role", "CREATE ROLE intruder"),

        // Outside the tables: large objects, the server's files and programs.
        Attack.Denied("create a large object", "SELECT lo_create(0)"),
        Attack.Denied("create a large object from bytes", "SELECT lo_from_bytea(0, 'x'::bytea)"),
        Attack.Denied("import a server file as a large object", "SELECT lo_import('/etc/hostname')"),
        Attack.Denied("run a program with COPY", "COPY hybrid.events TO PROGRAM 'true'"),
        Attack.Denied("write a server file with COPY", "COPY (SELECT 1) TO '/tmp/hybrid-intruder'"),
        Attack.Denied("read a server file", "SELECT pg_read_file('/etc/hostname')"),
    ];
}
