-- The log: per tenant, gapless positions in commit order.
CREATE TABLE {schema}.events (
    tenant_id text NOT NULL,
    position bigint NOT NULL,
    id uuid NOT NULL,
    stream_id text NULL,
    stream_version bigint NOT NULL,
    type text NOT NULL,
    tags text[] NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    schema_version int NOT NULL,
    "timestamp" timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, position)
);
