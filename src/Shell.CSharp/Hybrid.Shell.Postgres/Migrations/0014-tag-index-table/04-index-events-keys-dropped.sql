-- The GIN index and its key function are replaced by event_tags.
DROP INDEX {schema}.events_keys;
DROP FUNCTION {schema}.event_keys(text, text, text[]);
