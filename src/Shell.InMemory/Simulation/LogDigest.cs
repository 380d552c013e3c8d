using System.Security.Cryptography;
using System.Text;

namespace Hybrid.InMemory.Simulation;

/// <summary>A SHA-256 digest of tenants' logs: two runs with equal digests wrote the same events, in the same order.</summary>
public static class LogDigest
{
    /// <summary>The digest of the tenants' logs, in the given tenant order, as hex.</summary>
    public static string Of(IEventStore store, IEnumerable<string> tenants)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var tenant in tenants)
        foreach (var e in SimulationContext.Sync(store.Read(tenant, EventQuery.All, CancellationToken.None)))
            hash.AppendData(Encoding.UTF8.GetBytes(Line(e)));
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>One event as a line of text: everything a store persists.</summary>
    public static string Line(RecordedEvent e) =>
        $"{e.Tenant}|{e.Position}|{e.Id}|{e.Stream}|{e.StreamVersion}|{e.Type}|{string.Join(',', e.Tags)}|{e.Body}|" +
        $"{e.Metadata.CausationId}|{e.Metadata.CorrelationId}|{e.Metadata.Actor}|{e.Timestamp.UtcTicks}\n";
}
