-- Bodies are kept as the text they were appended with: json, not jsonb. Reads then return a body byte for byte, as
-- the in-memory and embedded stores do, where jsonb gave back its normal form (keys reordered, spaces added, numbers
-- rewritten), so the same append read back differently by store. No statement of the store looks inside a body, and
-- json still refuses text that is not JSON (the core validates before anything is sent). Metadata stays jsonb: the
-- store writes it in one form and parses it on read. Rewrites the events table once.
ALTER TABLE {schema}.events ALTER COLUMN data TYPE json USING data::json;
