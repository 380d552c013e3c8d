-- Functions are executable by PUBLIC unless revoked: the helpers are the owner's alone.
REVOKE ALL ON FUNCTION {schema}.matching_sql(text, jsonb, bigint, bigint, boolean, int) FROM PUBLIC;
REVOKE ALL ON FUNCTION {schema}.event_keys(text, text, text[]) FROM PUBLIC;
