using Hybrid.Shell.Postgres.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>The statements that carry out an <see cref="AppendWrite"/> inside an open transaction (head and commit aside).</summary>
internal static class PlannedWrite
{
    public static void Add(NpgsqlBatch command, StoreSql sql, string tenant, AppendWrite write, DateTimeOffset now)
    {
        if (write.Events.Length > 0)
        {
            var arrays = new EventArrays();
            var positions = new long[write.Events.Length];
            var versions = new long[write.Events.Length];
            for (var i = 0; i < write.Events.Length; i++)
            {
                var e = write.Events[i];
                arrays.Add(e);
                positions[i] = e.Position;
                versions[i] = e.StreamVersion;
            }
            var insert = command.Add(tenant, sql.InsertEvents);
            arrays.AddParameters(insert.Parameters);
            insert.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = positions });
            insert.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = versions });
            insert.Parameters.AddWithValue("now", now);
        }
        if (write.Streams.Length > 0)
        {
            var upsert = command.Add(tenant, sql.UpsertStreams);
            upsert.Parameters.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = write.Streams.Select(s => s.Stream).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = write.Streams.Select(s => s.Version).ToArray() });
        }
        if (write.Checkpoints.Length > 0)
        {
            var upsert = command.Add(tenant, sql.WriteCheckpoints);
            upsert.Parameters.Add(new NpgsqlParameter("processors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = write.Checkpoints.Select(c => c.Processor).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = write.Checkpoints.Select(c => c.Checkpoint.Position).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("fences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = write.Checkpoints.Select(c => c.Checkpoint.Fence).ToArray() });
        }
    }
}
