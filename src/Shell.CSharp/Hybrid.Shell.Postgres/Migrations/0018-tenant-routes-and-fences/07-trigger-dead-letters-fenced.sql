-- Dead letters are written without the tenant's row lock: a trigger refuses them for a fenced tenant, so a node with a
-- stale map cannot leave one in the old database after a move.
CREATE FUNCTION {schema}.dead_letters_unfenced() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
BEGIN
    PERFORM {schema}.require_unfenced(NEW.tenant_id);
    RETURN NEW;
END $f$;
REVOKE ALL ON FUNCTION {schema}.dead_letters_unfenced() FROM PUBLIC;
CREATE TRIGGER dead_letters_unfenced BEFORE INSERT OR UPDATE ON {schema}.dead_letters
    FOR EACH ROW EXECUTE FUNCTION {schema}.dead_letters_unfenced();
