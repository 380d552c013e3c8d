namespace Hybrid.Shell.Operations;

/// <summary>Progress of long work: what is being done, how far, out of how much (0 when unknown).</summary>
/// <param name="Task">What is being done, e.g. "verify tenant-1".</param>
/// <param name="Done">Units done (events, positions).</param>
/// <param name="Total">Units in all, or 0 when unknown.</param>
public readonly record struct OperationProgress(string Task, long Done, long Total);
