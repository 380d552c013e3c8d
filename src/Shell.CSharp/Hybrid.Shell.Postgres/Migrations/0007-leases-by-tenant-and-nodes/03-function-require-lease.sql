-- The checks every lease and node function starts with: a resource and owner of sensible length, and a lease no
-- longer than a day (a lease is renewed every few seconds; a year-long one would hold a tenant's work hostage).
CREATE FUNCTION {schema}.require_lease(resource text, owner text, duration interval) RETURNS void
    LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
    IF coalesce(length(resource), 0) NOT BETWEEN 1 AND 400 OR coalesce(length(owner), 0) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'A lease needs a resource of 1 to 400 characters and an owner of 1 to 200.' USING ERRCODE = '22023';
    END IF;
    IF duration IS NULL OR duration <= interval '0' OR duration > interval '1 day' THEN
        RAISE EXCEPTION 'Lease ''%'': a lease lasts more than 0 and at most 1 day, not %.', resource, duration USING ERRCODE = '22023';
    END IF;
END $f$;
REVOKE ALL ON FUNCTION {schema}.require_lease(text, text, interval) FROM PUBLIC;
