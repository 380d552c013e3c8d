-- The check every tenant-writing function starts with: the tenant named is the one this transaction set in
-- hybrid.tenant. Called only from the SECURITY DEFINER functions below, under their fixed search path.
CREATE FUNCTION {schema}.require_tenant(tenant text) RETURNS void
    LANGUAGE plpgsql STABLE AS $f$
BEGIN
    IF tenant IS NULL OR tenant IS DISTINCT FROM current_setting('hybrid.tenant', true) THEN
        RAISE EXCEPTION 'Tenant ''%'' is not the tenant of this transaction.', tenant USING ERRCODE = '42501';
    END IF;
END $f$;
REVOKE ALL ON FUNCTION {schema}.require_tenant(text) FROM PUBLIC;
