-- The keys an event is found by: its tags and its type, each prefixed by its tenant, so that common tags
-- ("customer:1") of other tenants never fill the bitmap of a GIN scan. Tenant ids contain no '/', so keys cannot
-- collide.
CREATE FUNCTION {schema}.event_keys(tenant text, type text, tags text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $f$ SELECT array_append(ARRAY(SELECT tenant || '/#' || t FROM unnest(tags) AS t), tenant || '/$' || type) $f$;
