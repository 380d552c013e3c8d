using Npgsql;
using NpgsqlTypes;

namespace Hybrid.Shell.Postgres.Writing;

/// <summary>
/// The events of one commit as column arrays, sent as parameters and unnested by one INSERT. Tags of all events are
/// flattened into one array; each event keeps the slice [from:to] of its own (PostgreSQL arrays are 1-based).
/// </summary>
internal sealed class EventArrays
{
    private readonly List<Guid> _ids = [];
    private readonly List<string?> _streams = [];
    private readonly List<string> _types = [];
    private readonly List<int> _tagFrom = [];
    private readonly List<int> _tagTo = [];
    private readonly List<string> _tags = [];
    private readonly List<string> _bodies = [];
    private readonly List<string> _metadata = [];
    private readonly List<int> _schemaVersions = [];

    public int Count => _ids.Count;

    public void Add(ProposedEvent e) =>
        Add(e.Id, e.Data.Stream, e.Data.Type, e.Data.Tags, e.Data.Body, e.Metadata, e.Data.SchemaVersion);

    /// <summary>Adds an envelope <see cref="AppendModule.decide"/> planned (its position and version go in separate arrays).</summary>
    public void Add(RecordedEvent e) => Add(e.Id, e.Stream, e.Type, e.Tags, e.Body, e.Metadata, e.SchemaVersion);

    private void Add(Guid id, string? stream, string type, string[] tags, string body, EventMetadata? metadata, int schemaVersion)
    {
        _ids.Add(id);
        _streams.Add(stream);
        _types.Add(type);
        _tagFrom.Add(_tags.Count + 1);
        _tags.AddRange(tags);
        _tagTo.Add(_tags.Count);
        _bodies.Add(body);
        _metadata.Add(MetadataJson.write(EventMetadata.normalize(metadata)));
        _schemaVersions.Add(schemaVersion);
    }

    /// <summary>The unnest source "u" with columns id, stream, type, tag_from, tag_to, body, meta, schema_version, ord.</summary>
    public const string Unnest =
        "unnest(@ids, @streams, @types, @tag_from, @tag_to, @bodies, @meta, @schema_versions) WITH ORDINALITY " +
        "AS u(id, stream, type, tag_from, tag_to, body, meta, schema_version, ord)";

    public const string TagsOfRow = "(@tags::text[])[u.tag_from:u.tag_to]";

    public void AddParameters(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = _ids.ToArray() });
        p.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _streams.ToArray() });
        p.Add(new NpgsqlParameter("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _types.ToArray() });
        p.Add(new NpgsqlParameter("tag_from", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _tagFrom.ToArray() });
        p.Add(new NpgsqlParameter("tag_to", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _tagTo.ToArray() });
        p.Add(new NpgsqlParameter("tags", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _tags.ToArray() });
        p.Add(new NpgsqlParameter("bodies", NpgsqlDbType.Array | NpgsqlDbType.Json) { Value = _bodies.ToArray() });
        p.Add(new NpgsqlParameter("meta", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = _metadata.ToArray() });
        p.Add(new NpgsqlParameter("schema_versions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _schemaVersions.ToArray() });
    }
}
