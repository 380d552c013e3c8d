-- The tenant a lease covers, read from its resource: processor/<name>/tenant:<tenant> (the core's
-- TodoProcessor.leaseResources; a test holds the two to the same rule). Shards cover several tenants: null.
-- Generated, so no caller can label a lease with another tenant than its resource names.
ALTER TABLE {schema}.processor_leases ADD COLUMN tenant_id text
    GENERATED ALWAYS AS (substring(resource FROM '^processor/[^/]+/tenant:(.+)$')) STORED;
