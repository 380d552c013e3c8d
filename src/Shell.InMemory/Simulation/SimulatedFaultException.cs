namespace Hybrid.InMemory.Simulation;

/// <summary>
/// A fault the simulation injected (an infrastructure failure), naming where it happened. A database outage wraps the
/// <see cref="StoreUnavailableException"/> a real routing store throws, so the engines treat it as "unavailable".
/// </summary>
public sealed class SimulatedFaultException(FaultKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The fault.</summary>
    public FaultKind Kind { get; } = kind;
}
