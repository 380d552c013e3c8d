-- Nobody but the application and reporting roles connects to this database, and nobody creates temporary tables
-- (a temporary object can shadow a name in a function's search path).
DO $$ BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {app}, {reporting}', current_database());
END $$;
