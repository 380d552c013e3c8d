using System.Text.Json;

namespace Hybrid.Shell.Nats;

/// <summary>
/// A command's answer through the broker: the outcome's name (<c>accepted</c>, <c>rejected</c>, <c>invalid</c>, …,
/// <c>timeout</c> when no handler answered before the deadline, <c>unavailable</c> when the broker could not be reached)
/// and its JSON body, the same body the HTTP adapter answers with.
/// </summary>
public sealed record BrokerReply(string Outcome, string Json)
{
    /// <summary>A reply made on this side of the broker.</summary>
    public static BrokerReply Of(string outcome, Dictionary<string, object?> body) =>
        new(outcome, JsonSerializer.Serialize(body, JsonPayload.options));
}
