namespace Hybrid.Shell.Operations;

/// <summary>
/// How far a processor is behind for one tenant: the tenant's head minus the processor's checkpoint (in positions of
/// the whole log, so an upper bound of the events still to handle), with its pause and the lease covering it.
/// </summary>
/// <param name="Processor">The processor (or producer).</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="Head">The tenant's last position.</param>
/// <param name="Checkpoint">The processor's checkpoint for the tenant.</param>
/// <param name="Paused">True when an operator paused it for the tenant (or for every tenant).</param>
/// <param name="LeaseOwner">The node holding the lease that covers the tenant, or null when none does.</param>
/// <param name="LeaseExpiresAt">When that lease expires unless renewed, or null.</param>
public sealed record ProcessorLag(string Processor, string Tenant, long Head, long Checkpoint, bool Paused, string? LeaseOwner, DateTimeOffset? LeaseExpiresAt)
{
    /// <summary>Positions between the checkpoint and the head.</summary>
    public long Lag => Math.Max(0, Head - Checkpoint);
}
