-- Dead letters by tenant, row-level security forced: a processor records and an operator reads one tenant's at a time.
-- Deleting is no code path's: a dead letter is replayed or discarded, and keeps its row.
ALTER TABLE {schema}.dead_letters ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.dead_letters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON {schema}.dead_letters
    USING (tenant_id = current_setting('hybrid.tenant', true)) WITH CHECK (tenant_id = current_setting('hybrid.tenant', true));
REVOKE DELETE ON {schema}.dead_letters FROM {app};
