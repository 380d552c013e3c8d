// The events every benchmark writes: the same shape for the store under test and for the raw baselines,
// so both move the same bytes (a ~100-byte JSON body, two tags, metadata).
namespace Hybrid.Bench.Workload;

/// <summary>Builds benchmark events.</summary>
public static class BenchEvents
{
    /// <summary>The event type written.</summary>
    public const string Type = "ItemAdded";

    /// <summary>The metadata JSON the raw baselines write (what the store writes for empty metadata, roughly).</summary>
    public const string MetadataJson = """{"causationId":"","correlationId":"bench","actor":"bench"}""";

    /// <summary>The metadata the store is given.</summary>
    public static readonly EventMetadata Metadata = EventMetadata.Of("", "bench", "bench");

    /// <summary>A ~100-byte JSON body.</summary>
    public static string Body(long n) => $$"""{"item":{{n}},"quantity":{{n % 17 + 1}},"note":"a benchmark event with a body of about one hundred bytes"}""";

    /// <summary>Two tags: a group shared by many events and an id unique to the event.</summary>
    public static string[] Tags(string group, long n) => [$"group:{group}", $"item:{group}-{n}"];

    /// <summary>An event for the store under test.</summary>
    public static ProposedEvent Proposed(Guid id, string? stream, string group, long n) =>
        new(id, new EventData(Type, Tags(group, n), stream!, Body(n), 1), Metadata);
}
