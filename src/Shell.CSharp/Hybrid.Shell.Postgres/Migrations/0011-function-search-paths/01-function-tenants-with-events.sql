-- The SECURITY DEFINER functions of the first migrations fixed their search path to pg_catalog alone, which still
-- searches pg_temp first for tables: end it with pg_temp, as every later function does.
ALTER FUNCTION {schema}.tenants_with_events() SET search_path = pg_catalog, pg_temp;
