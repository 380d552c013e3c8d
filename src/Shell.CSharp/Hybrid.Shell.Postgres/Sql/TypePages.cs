using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Reads of a page of a query whose items name types and no tags (a read model's fold, an "events of these types"
/// page). <c>matching_positions</c> answers them by merging one branch per type and joining each position back to its
/// row, then sorting the rows: about 12 µs an event on the benchmark VM, four times the row itself. Here the page is
/// bounded first: the n-th match of each type (an index-only walk of n entries of the (tenant, type, position) index)
/// bounds where the first n matches overall can lie (a type with n matches up to p puts at least n matches up to p), and
/// the rows are then read by one range over that bound, with the type as a filter or through the type index, whichever
/// the planner finds cheaper for the actual bound. The bound is sent as a value (a second statement of the same
/// repeatable-read snapshot), so the plan is made for it: a bound the planner cannot see was planned as a scan of the
/// tenant's whole log.
/// </summary>
internal static class TypePages
{
    /// <summary>The distinct types of a limited query all of whose items name types and no tags; null for any other query.</summary>
    public static string[]? Types(EventQuery query)
    {
        if (query.Limit <= 0 || query.Items.Length == 0) return null;
        foreach (var item in query.Items)
            if (item.Tags.Length > 0 || item.Types.Length == 0) return null;
        return query.Items.SelectMany(i => i.Types).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// A SELECT of one value: the position no match of the page lies beyond (the smallest n-th match of one type going
    /// forward, the largest going backward), or null when no type has n matches within the query's bounds.
    /// </summary>
    public static string Bound(string schema, EventQuery query, string[] types, NpgsqlParameterCollection parameters)
    {
        AddRange(query, types, parameters);
        var backward = query.Direction == Direction.Backward;
        return $"SELECT {(backward ? "max" : "min")}((SELECT x.position FROM {schema}.events x " +
               "WHERE x.tenant_id = @tenant AND x.type = t.type AND x.position > @pa AND x.position < @pb " +
               $"ORDER BY x.position {(backward ? "DESC" : "ASC")} OFFSET {query.Limit - 1} LIMIT 1)) FROM unnest(@ptypes) AS t(type)";
    }

    /// <summary>A SELECT of the page's events up to the bound (none: the query's own bounds).</summary>
    public static string Select(string schema, EventQuery query, string[] types, long? bound, NpgsqlParameterCollection parameters)
    {
        AddRange(query, types, parameters);
        var backward = query.Direction == Direction.Backward;
        var upTo = "";
        if (bound is { } b)
        {
            parameters.AddWithValue("pbound", b);
            upTo = backward ? " AND e.position >= @pbound" : " AND e.position <= @pbound";
        }
        return $"SELECT {EventRows.Columns} FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.type = ANY(@ptypes) " +
               $"AND e.position > @pa AND e.position < @pb{upTo} ORDER BY e.position {(backward ? "DESC" : "ASC")} LIMIT {query.Limit}";
    }

    private static void AddRange(EventQuery query, string[] types, NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("pa", query.After);
        parameters.AddWithValue("pb", query.Before);
        parameters.Add(new NpgsqlParameter("ptypes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types });
    }
}
