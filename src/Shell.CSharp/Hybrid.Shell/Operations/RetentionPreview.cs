namespace Hybrid.Shell.Operations;

/// <summary>What retention purges (or would purge) of one event type in one tenant.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="EventType">The event type of the policy.</param>
/// <param name="Events">How many of its events have expired.</param>
/// <param name="FirstPosition">The first expired event's position.</param>
/// <param name="LastPosition">The last expired event's position.</param>
/// <param name="Oldest">When the oldest expired event was recorded.</param>
public sealed record RetentionPreview(string Tenant, string EventType, int Events, long FirstPosition, long LastPosition, DateTimeOffset Oldest);
