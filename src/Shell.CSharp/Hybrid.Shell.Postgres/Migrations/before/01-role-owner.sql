-- The owner role: owns the schema and every object in it (after/01-ownership.sql hands them over), so the SECURITY
-- DEFINER functions run as a role that can log in nowhere and holds no privilege outside this schema. Migrations run
-- as a superuser, or as a member of this role. Roles belong to the cluster: another database may have created it.
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{owner}') THEN
        CREATE ROLE {owner} NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
