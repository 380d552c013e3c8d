using Npgsql;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Reads of a query whose items name types and no tags (a read model's fold, an "events of these types" page).
/// <c>matching_positions</c> answers them by merging one branch of positions per type, joining each position back to
/// its row and sorting the rows: about 12 µs an event on the benchmark VM, four times the row itself. Here each type is
/// one branch of whole rows in position order (at most the limit of them), and PostgreSQL merges the branches
/// (a Merge Append under the limit pulls from each branch only the rows it keeps), so a page reads its rows once, in
/// order, without a join or a sort. An event has one type, so the branches never overlap.
/// </summary>
internal static class TypePages
{
    /// <summary>The distinct types of a query all of whose items name types and no tags; null for any other query.</summary>
    public static string[]? Types(EventQuery query)
    {
        if (query.Items.Length == 0) return null;
        foreach (var item in query.Items)
            if (item.Tags.Length > 0 || item.Types.Length == 0) return null;
        return query.Items.SelectMany(i => i.Types).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A SELECT of the query's events (of the given types) within its bounds, in its direction and limit.</summary>
    public static string Select(string schema, EventQuery query, string[] types, NpgsqlParameterCollection parameters)
    {
        parameters.AddWithValue("pa", query.After);
        parameters.AddWithValue("pb", query.Before);
        var order = $" ORDER BY e.position {(query.Direction == Direction.Backward ? "DESC" : "ASC")}";
        var limit = query.Limit > 0 ? $" LIMIT {query.Limit}" : "";
        var branches = new string[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            parameters.AddWithValue($"pt{i}", types[i]);
            branches[i] = $"(SELECT * FROM {schema}.events e WHERE e.tenant_id = @tenant AND e.type = @pt{i} " +
                          $"AND e.position > @pa AND e.position < @pb{order}{limit})";
        }
        return $"SELECT {EventRows.Columns} FROM ({string.Join(" UNION ALL ", branches)}) e{order}{limit}";
    }
}
