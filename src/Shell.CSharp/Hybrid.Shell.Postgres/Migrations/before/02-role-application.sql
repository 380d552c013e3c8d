-- The application role: logs in, owns nothing, and is subject to row-level security. Created without a password:
-- the operator sets one (the migrator sets the one it is given, only when it creates the role here).
-- Roles belong to the cluster, so another database may have created it already.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{app}') THEN
        CREATE ROLE {app} LOGIN NOINHERIT;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
