GRANT USAGE ON SCHEMA {schema} TO {app};
GRANT EXECUTE ON FUNCTION {schema}.event_keys(text, text, text[]) TO {app};
