-- Large objects live outside every table and its row-level security: nobody here creates them. Only a superuser may
-- change the privileges of these built-in functions; another migrating role leaves a warning for the DBA.
DO $$ BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        REVOKE EXECUTE ON FUNCTION pg_catalog.lo_create(oid), pg_catalog.lo_creat(integer), pg_catalog.lo_from_bytea(oid, bytea) FROM PUBLIC;
    ELSE
        RAISE WARNING 'Run as a superuser: REVOKE EXECUTE ON FUNCTION lo_create(oid), lo_creat(integer), lo_from_bytea(oid, bytea) FROM PUBLIC;';
    END IF;
END $$;
