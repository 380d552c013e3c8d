-- Crypto-shredding keys: one secret key per (tenant, subject); forgetting a subject deletes its row, after which its
-- sealed personal values read as null everywhere. Row-level security is forced, so the application role sees and
-- deletes only its transaction's tenant's keys; the owner sees every row (a tenant move copies a tenant's keys with its
-- events); the reporting role gets nothing, since keys are secrets. Keys are never updated: a key is created once and
-- deleted once. Wrap them with a master key (MasterKeySubjectKeyStore) so a dump of this table opens nothing.
CREATE TABLE {schema}.subject_keys (
    tenant_id text NOT NULL,
    subject text NOT NULL,
    key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, subject)
);
ALTER TABLE {schema}.subject_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE {schema}.subject_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON {schema}.subject_keys
    USING (tenant_id = current_setting('hybrid.tenant', true)) WITH CHECK (tenant_id = current_setting('hybrid.tenant', true));
CREATE POLICY owner_all ON {schema}.subject_keys TO {owner} USING (true) WITH CHECK (true);
REVOKE ALL ON {schema}.subject_keys FROM {reporting};
GRANT SELECT, INSERT, DELETE ON {schema}.subject_keys TO {app};
