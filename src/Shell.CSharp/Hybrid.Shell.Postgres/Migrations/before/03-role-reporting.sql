-- The reporting role, for operators: reads every tenant's rows and writes nothing. It cannot log in: grant it to an
-- operator's own login (GRANT {reporting} TO alice).
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{reporting}') THEN
        CREATE ROLE {reporting} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
