-- Nobody creates objects in the public schema (PostgreSQL 15 already revokes this; older servers grant it to all).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
