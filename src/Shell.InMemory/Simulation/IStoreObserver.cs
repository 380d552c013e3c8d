namespace Hybrid.InMemory.Simulation;

/// <summary>What a simulation's store tells the shell's ledger: what was proposed and what callers were told.</summary>
public interface IStoreObserver
{
    /// <summary>An append is about to be tried with these events.</summary>
    void Proposed(AppendRequest request);

    /// <summary>The store answered an append; <paramref name="acknowledged"/> is false when the caller never heard (a lost acknowledgement).</summary>
    void Answered(AppendRequest request, AppendResult result, bool acknowledged);

    /// <summary>A checkpoint write was refused: its fencing token is stale.</summary>
    void CheckpointRefused(string tenant, CheckpointWrite write);
}
