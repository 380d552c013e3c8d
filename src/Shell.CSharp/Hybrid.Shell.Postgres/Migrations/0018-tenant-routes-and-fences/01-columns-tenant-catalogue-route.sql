-- The tenant catalogue is also the tenancy map shared by every node (PostgresTenancyMap): each tenant's database (null
-- for a catalogue of one database), the version of its route (raised by every change, so a node can tell a stale
-- route) and, while a move is under way, the database it is moving to.
ALTER TABLE {schema}.tenant_catalogue
    ADD COLUMN database text,
    ADD COLUMN route_version bigint NOT NULL DEFAULT 1,
    ADD COLUMN moving_to text;
GRANT UPDATE (database, route_version, moving_to) ON {schema}.tenant_catalogue TO {app};
