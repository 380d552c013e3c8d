ALTER FUNCTION {schema}.matching_positions(text, jsonb, bigint, bigint, boolean, int) SET search_path = pg_catalog, pg_temp;
