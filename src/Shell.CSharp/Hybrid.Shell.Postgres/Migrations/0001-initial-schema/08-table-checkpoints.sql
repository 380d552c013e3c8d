-- Each processor's position in a tenant's log, fenced by the token of the lease it was written under.
CREATE TABLE {schema}.checkpoints (
    tenant_id text NOT NULL,
    processor text NOT NULL,
    position bigint NOT NULL,
    fence bigint NOT NULL,
    PRIMARY KEY (tenant_id, processor)
);
