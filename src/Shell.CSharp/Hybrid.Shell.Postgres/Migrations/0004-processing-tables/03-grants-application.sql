GRANT SELECT, INSERT, UPDATE, DELETE ON {schema}.processor_leases, {schema}.dead_letters TO {app};
