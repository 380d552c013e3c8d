-- Events a processor gave up on after its retries: ids, types and errors (not bodies), kept for an operator to
-- replay or discard. IF NOT EXISTS: earlier versions created this table at run time, outside the migrations.
CREATE TABLE IF NOT EXISTS {schema}.dead_letters (
    tenant_id text NOT NULL,
    processor text NOT NULL,
    position bigint NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    failed_at timestamptz NOT NULL,
    status smallint NOT NULL,
    PRIMARY KEY (tenant_id, processor, position)
);
