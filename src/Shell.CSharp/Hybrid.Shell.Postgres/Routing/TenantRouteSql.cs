namespace Hybrid.Shell.Postgres.Routing;

/// <summary>
/// The SQL of the shared tenancy map, over the catalogue's <c>tenant_catalogue</c> table: every change of a route
/// raises its version and notifies the other nodes on one channel (the payload is the tenant).
/// </summary>
internal sealed class TenantRouteSql(string schema)
{
    private const string Columns = "tenant_id, database, route_version, moving_to, registered_at";

    public string Channel { get; } = $"{schema}_routes";

    public string All { get; } = $"SELECT {Columns} FROM {schema}.tenant_catalogue WHERE database IS NOT NULL";

    public string One { get; } = $"SELECT {Columns} FROM {schema}.tenant_catalogue WHERE tenant_id = @tenant";

    public string Listed { get; } = $"SELECT tenant_id, registered_at FROM {schema}.tenant_catalogue ORDER BY tenant_id COLLATE \"C\"";

    /// <summary>A new tenant in @database; a tenant registered without a database takes it; a routed one keeps its own.</summary>
    public string Assign { get; } = Notifying(schema, $"""
        INSERT INTO {schema}.tenant_catalogue AS c (tenant_id, registered_at, database) VALUES (@tenant, @at, @database)
        ON CONFLICT (tenant_id) DO UPDATE SET database = excluded.database, route_version = c.route_version + 1
        WHERE c.database IS NULL
        """);

    public string BeginMove { get; } = Notifying(schema, $"""
        UPDATE {schema}.tenant_catalogue SET moving_to = @to, route_version = route_version + 1
        WHERE tenant_id = @tenant AND database IS NOT NULL AND database <> @to AND moving_to IS NULL
        """);

    public string CompleteMove { get; } = Notifying(schema, $"""
        UPDATE {schema}.tenant_catalogue SET database = moving_to, moving_to = NULL, route_version = route_version + 1
        WHERE tenant_id = @tenant AND moving_to IS NOT NULL
        """);

    public string AbortMove { get; } = Notifying(schema, $"""
        UPDATE {schema}.tenant_catalogue SET moving_to = NULL, route_version = route_version + 1
        WHERE tenant_id = @tenant AND moving_to IS NOT NULL
        """);

    private static string Notifying(string schema, string change) =>
        $"WITH changed AS ({change} RETURNING {Columns}) SELECT changed.*, pg_notify('{schema}_routes', changed.tenant_id) FROM changed";
}
