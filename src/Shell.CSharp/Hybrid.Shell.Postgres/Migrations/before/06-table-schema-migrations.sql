-- The migration history: one row per applied migration, with a checksum of its files (null for rows written before
-- checksums were kept).
CREATE TABLE IF NOT EXISTS {schema}.schema_migrations (
    version int PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE {schema}.schema_migrations ADD COLUMN IF NOT EXISTS checksum text NULL;
