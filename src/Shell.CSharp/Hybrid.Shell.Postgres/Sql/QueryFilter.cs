using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>
/// Turns an <see cref="EventQuery"/> into SQL over alias <c>e</c>. Unfiltered queries read the events table by its
/// primary key; filtered ones take positions from <c>matching_positions</c> (see the migrations
/// <c>0002-matching-positions</c> and <c>0003-type-branches</c>), which answers type-only items from the (tenant, type, position) index and
/// tagged ones from the tenant-keyed GIN index, with a plan made for the actual tags and types.
/// (The store's reads of queries by types alone take another shape: <see cref="TypePages"/>.)
/// </summary>
internal static class QueryFilter
{
    public static bool IsUnfiltered(QueryItem[] items) => items.Length == 0 || items.Any(i => i.Types.Length == 0 && i.Tags.Length == 0);

    /// <summary>A FROM clause (with a WHERE) of the tenant's events strictly between the SQL bounds that match the items.</summary>
    public static string From(string schema, QueryItem[] items, NpgsqlParameterCollection parameters, string prefix,
        string after, string before, bool backward, int limit)
    {
        // Both shapes bound the rows PostgreSQL may touch by the page, whatever plan stale statistics suggest (right after
        // a bulk import a join or an open range was planned as a scan and sort of the tenant's whole log, per page).
        if (IsUnfiltered(items))
        {
            // Positions are gapless and events are never removed, so a forward page of n holds at most positions up to after + n.
            var page = limit > 0 && !backward ? $" AND e.position <= least({after}::numeric + {limit}, {long.MaxValue})::bigint" : "";
            return $"{schema}.events e WHERE e.tenant_id = @tenant AND e.position > {after} AND e.position < {before}{page}";
        }
        parameters.Add(new NpgsqlParameter($"{prefix}items", NpgsqlDbType.Jsonb) { Value = ItemsJson(items) });
        // One primary-key lookup per matching position: OFFSET 0 keeps the lateral subquery from being flattened into a
        // join the planner could run as a scan of the tenant's log.
        return $"{schema}.matching_positions(@tenant, @{prefix}items, {after}, {before}, {(backward ? "true" : "false")}, {limit}) AS m(position) " +
               $"CROSS JOIN LATERAL (SELECT * FROM {schema}.events x WHERE x.tenant_id = @tenant AND x.position = m.position OFFSET 0) e WHERE TRUE";
    }

    /// <summary>A SELECT of the events matching the query within its bounds, in its direction and limit.</summary>
    public static string Select(string schema, EventQuery query, NpgsqlParameterCollection parameters, string prefix)
    {
        parameters.AddWithValue($"{prefix}a", query.After);
        parameters.AddWithValue($"{prefix}b", query.Before);
        var backward = query.Direction == Direction.Backward;
        var from = From(schema, query.Items, parameters, prefix, $"@{prefix}a", $"@{prefix}b", backward, query.Limit);
        var limit = query.Limit > 0 ? $" LIMIT {query.Limit}" : "";
        return $"SELECT {EventRows.Columns} FROM {from} ORDER BY e.position {(backward ? "DESC" : "ASC")}{limit}";
    }

    /// <summary>A SELECT EXISTS of an event matching the query above a position: the fail-if-events-match check.</summary>
    public static string Exists(string schema, EventQuery query, long after, NpgsqlParameterCollection parameters, string prefix)
    {
        parameters.AddWithValue($"{prefix}a", Math.Max(after, query.After));
        parameters.AddWithValue($"{prefix}b", query.Before);
        return $"SELECT EXISTS (SELECT 1 FROM {From(schema, query.Items, parameters, prefix, $"@{prefix}a", $"@{prefix}b", true, 1)})";
    }

    private static string ItemsJson(QueryItem[] items)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var item in items)
            {
                w.WriteStartObject();
                w.WriteStartArray("tags");
                foreach (var t in item.Tags.Distinct(StringComparer.Ordinal)) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteStartArray("types");
                foreach (var t in item.Types.Distinct(StringComparer.Ordinal)) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
