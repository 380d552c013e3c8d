namespace Hybrid.Shell.Postgres.Writing;

/// <summary>Builds the envelope of an event the store just wrote.</summary>
internal static class Recorded
{
    public static RecordedEvent Of(string tenant, ProposedEvent e, long position, long version, DateTimeOffset now)
    {
        var data = e.Data;
        return new RecordedEvent(e.Id, tenant, position, data.Stream, version, data.Type, data.Tags, EventBody.OfText(data.Body),
            data.SchemaVersion, e.Metadata ?? EventMetadata.Empty, now);
    }
}
