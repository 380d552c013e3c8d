-- Each stream's version, and the version up to which it was deleted (a tombstone: versions are never reused).
CREATE TABLE {schema}.streams (
    tenant_id text NOT NULL,
    stream_id text NOT NULL,
    version bigint NOT NULL,
    deleted_up_to bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, stream_id)
);
