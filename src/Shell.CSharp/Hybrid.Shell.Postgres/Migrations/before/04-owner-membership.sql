-- A migrating role that is not a superuser must be a member of the owner role to change the owner's objects.
DO $$ BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
       AND NOT pg_has_role(session_user, '{owner}', 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', '{owner}', session_user);
    END IF;
END $$;
