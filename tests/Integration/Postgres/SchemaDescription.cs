using Npgsql;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// The schema as PostgreSQL's catalogue describes it, one line per object, sorted: tables, columns, constraints,
/// indexes, triggers, policies, functions (with a hash of their bodies), privileges, and the roles and database privileges the
/// migrations set. Compared with <c>Postgres/expected-schema.txt</c>, it pins the schema the code expects.
/// </summary>
public static class SchemaDescription
{
    private static readonly string[] Queries =
    [
        """
        SELECT format('schema %s owner=%s acl=%s', nspname, pg_get_userbyid(nspowner), nspacl::text)
        FROM pg_namespace WHERE nspname = @schema
        """,
        """
        SELECT format('table %s kind=%s owner=%s rls=%s forced=%s acl=%s', c.relname, c.relkind, pg_get_userbyid(c.relowner),
                      c.relrowsecurity, c.relforcerowsecurity, coalesce(c.relacl::text, 'default'))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        """,
        """
        SELECT format('column %s.%s %s%s%s%s acl=%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                      CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                      coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
                      CASE a.attgenerated WHEN 's' THEN ' stored' ELSE '' END, coalesce(a.attacl::text, '-'))
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = @schema AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        """,
        """
        SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema
        """,
        "SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = @schema",
        """
        SELECT format('trigger %s.%s %s', c.relname, t.tgname, pg_get_triggerdef(t.oid))
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = @schema AND NOT t.tgisinternal
        """,
        """
        SELECT format('policy %s.%s %s %s to %s using (%s) check (%s)', tablename, policyname, permissive, cmd, roles::text,
                      coalesce(qual, '-'), coalesce(with_check, '-'))
        FROM pg_policies WHERE schemaname = @schema
        """,
        """
        SELECT format('function %s returns %s owner=%s lang=%s volatility=%s definer=%s config=%s acl=%s body=%s',
                      p.oid::regprocedure, pg_get_function_result(p.oid), pg_get_userbyid(p.proowner), l.lanname, p.provolatile,
                      p.prosecdef, coalesce(p.proconfig::text, '-'), coalesce(p.proacl::text, 'default'), left(md5(p.prosrc), 12))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
        WHERE n.nspname = @schema
        """,
        "SELECT format('database acl=%s', coalesce(datacl::text, 'default')) FROM pg_database WHERE datname = current_database()",
        """
        SELECT format('role %s login=%s superuser=%s inherit=%s createrole=%s createdb=%s bypassrls=%s member of %s', r.rolname,
                      r.rolcanlogin, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
                      coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                                WHERE m.member = r.oid), '-'))
        FROM pg_roles r WHERE r.rolname = ANY(@roles)
        """,
        """
        SELECT format('catalog function %s acl=%s', p.oid::regprocedure, coalesce(p.proacl::text, 'default'))
        FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname IN ('lo_create', 'lo_creat', 'lo_from_bytea', 'lo_import')
        """,
    ];

    /// <summary>The description of a schema and the given roles, with the migrating role's own name written as <c>{migrator}</c>.</summary>
    public static async Task<string[]> OfAsync(string connectionString, string schema = "hybrid", params string[] roles)
    {
        await using var connection = await Sql.OpenAsync(connectionString);
        var me = (string)(await connection.ScalarAsync("SELECT current_user"))!;
        var database = (string)(await connection.ScalarAsync("SELECT current_database()"))!;
        var lines = new List<string>();
        foreach (var query in Queries)
        {
            await using var command = new NpgsqlCommand(query, connection);
            command.Parameters.AddWithValue("schema", schema);
            command.Parameters.AddWithValue("roles", roles.Length == 0 ? ["hybrid_owner", "hybrid_app", "hybrid_reporting"] : roles);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0).Replace(me, "{migrator}").Replace(database, "{database}"));
        }
        return lines.Order(StringComparer.Ordinal).ToArray();
    }
}
