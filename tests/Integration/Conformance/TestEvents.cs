namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Event data and proposed events for conformance tests.</summary>
public static class TestEvents
{
    /// <summary>An event of a type in a stream (or none), with tags and a small JSON body.</summary>
    public static EventData Of(string type, string? stream = null, params string[] tags) =>
        new(type, tags, stream!, $$"""{"type":"{{type}}"}""", 1);

    /// <summary>An event with the given body.</summary>
    public static EventData WithBody(string type, string? stream, string body) => new(type, [], stream!, body, 1);

    /// <summary>Proposes each event with a fresh id and empty metadata.</summary>
    public static ProposedEvent[] Propose(params EventData[] events) =>
        events.Select(e => new ProposedEvent(Guid.CreateVersion7(), e, EventMetadata.Empty)).ToArray();

    /// <summary>n events of a type in a stream.</summary>
    public static EventData[] Many(int n, string type, string? stream = null, params string[] tags) =>
        Enumerable.Range(0, n).Select(_ => Of(type, stream, tags)).ToArray();
}
