-- Tenants whose writes this database refuses: a move fences the source before it copies, and the fence stays after
-- the tenant's rows are deleted, so a node with a stale map can never write to the old database. A move to this
-- database lifts it. It is not tenant data: a move neither copies nor deletes it.
CREATE TABLE {schema}.tenant_fences (
    tenant_id text PRIMARY KEY,
    moved_to text NOT NULL,
    route_version bigint NOT NULL,
    fenced_at timestamptz NOT NULL
);
GRANT SELECT ON {schema}.tenant_fences TO {reporting};
