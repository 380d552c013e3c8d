using Hybrid.Shell.Postgres.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// Renders an <see cref="AppendGuard"/> as one SQL row, <c>ok</c>: true when the tenant's state meets it, as
/// <see cref="AppendGuardModule.holds"/> says. Stream requirements are checked against the <c>streams</c> rows (a
/// missing row is version 0, not live; live is <c>version &gt; deleted_up_to</c>, as <see cref="StreamState.IsLive"/>),
/// each "nothing matching since" by the same EXISTS query the conditional commit reads (<see cref="QueryFilter.Exists"/>).
/// </summary>
internal static class GuardSql
{
    public static string Render(string schema, AppendGuard guard, NpgsqlParameterCollection parameters)
    {
        var checks = new List<string>();
        for (var i = 0; i < guard.NothingMatching.Length; i++)
        {
            var (query, after) = guard.NothingMatching[i];
            checks.Add($"NOT ({QueryFilter.Exists(schema, query, after, parameters, $"q{i}")})");
        }
        if (guard.Streams.Length > 0)
        {
            var streams = guard.Streams;
            parameters.Add(new NpgsqlParameter("guard_streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = streams.Select(s => s.Stream).ToArray() });
            parameters.Add(new NpgsqlParameter("guard_versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                { Value = streams.Select(s => s.Version.IsSome ? s.Version.Value : (long?)null).ToArray() });
            parameters.Add(new NpgsqlParameter("guard_live", NpgsqlDbType.Array | NpgsqlDbType.Boolean)
                { Value = streams.Select(s => s.Live.IsSome ? s.Live.Value : (bool?)null).ToArray() });
            // A requirement left open (NULL) never fails: NULL <> x is NULL, which OR and WHERE treat as not true.
            checks.Add($"""
                NOT EXISTS (SELECT 1 FROM unnest(@guard_streams, @guard_versions, @guard_live) AS r(stream, version, live)
                            LEFT JOIN {schema}.streams s ON s.tenant_id = @tenant AND s.stream_id = r.stream
                            WHERE r.version <> coalesce(s.version, 0)
                               OR r.live <> (coalesce(s.version, 0) > coalesce(s.deleted_up_to, 0)))
                """);
        }
        return $"SELECT {(checks.Count == 0 ? "true" : string.Join(" AND ", checks))} AS ok";
    }
}
