namespace Hybrid.Shell.Operations;

/// <summary>A processor set back for a tenant: its checkpoint before and after, and whether it stays paused.</summary>
/// <param name="Processor">The processor.</param>
/// <param name="Tenant">The tenant.</param>
/// <param name="From">The checkpoint before.</param>
/// <param name="To">The checkpoint now: the processor handles the events after it again.</param>
/// <param name="StillPaused">True when it was paused before and stays so.</param>
public sealed record ReplayOutcome(string Processor, string Tenant, long From, long To, bool StillPaused);
