namespace Hybrid.Shell.Postgres.Writing;

/// <summary>Builds the envelope of an event the store just wrote.</summary>
internal static class Recorded
{
    public static RecordedEvent Of(string tenant, ProposedEvent e, long position, long version, DateTimeOffset now) =>
        AppendModule.record(tenant, e, position, version, now);
}
