-- Operators' pauses of processors, honoured by every node: a row per (processor, tenant), tenant '' for every tenant.
-- Pauses name tenants but are read across them by every node's rebalancing, so, like nodes, the table has forced
-- row-level security (the owner and the reporting role see every row, as on nodes) and the application role reaches
-- it only through the functions below.
CREATE TABLE {schema}.processor_pauses (
    processor text NOT NULL,
    tenant_id text NOT NULL,
    paused_at timestamptz NOT NULL,
    PRIMARY KEY (processor, tenant_id)
);
ALTER TABLE {schema}.processor_pauses ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.processor_pauses FORCE ROW LEVEL SECURITY;
REVOKE ALL ON {schema}.processor_pauses FROM {app};
CREATE POLICY owner_all ON {schema}.processor_pauses TO {owner} USING (true) WITH CHECK (true);
CREATE POLICY reporting_reads ON {schema}.processor_pauses FOR SELECT TO {reporting} USING (true);
GRANT SELECT ON {schema}.processor_pauses TO {reporting};
