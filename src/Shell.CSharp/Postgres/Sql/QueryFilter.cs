using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Turns an <see cref="EventQuery"/>'s items into a condition over alias <c>e</c> that the <c>events_keys</c> GIN index
/// answers: types become an overlap (<c>&amp;&amp;</c>, any of), tags a containment (<c>@&gt;</c>, all of), both keyed by tenant.
/// Values travel as parameters; the store keeps plans custom (unnamed statements, plan_cache_mode) so the planner sees them.
/// </summary>
internal static class QueryFilter
{
    public static string TypeKey(string tenant, string type) => tenant + "/$" + type;

    public static string TagKey(string tenant, string tag) => tenant + "/#" + tag;

    /// <summary>The SQL boolean for the items, adding parameters named after <paramref name="prefix"/>.</summary>
    public static string Build(string schema, string tenant, QueryItem[] items, NpgsqlParameterCollection parameters, string prefix)
    {
        if (items.Length == 0 || items.Any(i => i.Types.Length == 0 && i.Tags.Length == 0)) return "TRUE";
        var keys = $"{schema}.event_keys(e.tenant_id, e.type, e.tags)";
        var alternatives = new List<string>(items.Length);
        for (var i = 0; i < items.Length; i++)
        {
            var parts = new List<string>(2);
            if (items[i].Tags.Length > 0)
            {
                var name = $"{prefix}g{i}";
                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text)
                    { Value = items[i].Tags.Distinct(StringComparer.Ordinal).Select(t => TagKey(tenant, t)).ToArray() });
                parts.Add($"{keys} @> @{name}");
            }
            if (items[i].Types.Length > 0)
            {
                var name = $"{prefix}y{i}";
                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text)
                    { Value = items[i].Types.Distinct(StringComparer.Ordinal).Select(t => TypeKey(tenant, t)).ToArray() });
                parts.Add($"{keys} && @{name}");
            }
            alternatives.Add("(" + string.Join(" AND ", parts) + ")");
        }
        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" OR ", alternatives) + ")";
    }

    /// <summary>A SELECT of the events matching the query within its bounds, in its direction and limit.</summary>
    public static string Select(string schema, string tenant, EventQuery query, NpgsqlParameterCollection parameters, string prefix)
    {
        var filter = Build(schema, tenant, query.Items, parameters, prefix);
        parameters.AddWithValue($"{prefix}a", query.After);
        parameters.AddWithValue($"{prefix}b", query.Before);
        var order = query.Direction == Direction.Backward ? "DESC" : "ASC";
        var limit = query.Limit > 0 ? $" LIMIT {query.Limit}" : "";
        return $"SELECT {EventRows.Columns} FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.position > @{prefix}a " +
               $"AND e.position < @{prefix}b AND {filter} ORDER BY e.position {order}{limit}";
    }

    /// <summary>A SELECT EXISTS of an event matching the query above a position: the fail-if-events-match check.</summary>
    public static string Exists(string schema, string tenant, EventQuery query, long after, NpgsqlParameterCollection parameters, string prefix)
    {
        var filter = Build(schema, tenant, query.Items, parameters, prefix);
        parameters.AddWithValue($"{prefix}a", Math.Max(after, query.After));
        parameters.AddWithValue($"{prefix}b", query.Before);
        return $"SELECT EXISTS (SELECT 1 FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.position > @{prefix}a " +
               $"AND e.position < @{prefix}b AND {filter})";
    }
}
