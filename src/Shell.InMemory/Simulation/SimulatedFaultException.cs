namespace Hybrid.InMemory.Simulation;

/// <summary>A fault the simulation injected (an infrastructure failure), naming where it happened.</summary>
public sealed class SimulatedFaultException(FaultKind kind, string message) : Exception(message)
{
    /// <summary>The fault.</summary>
    public FaultKind Kind { get; } = kind;
}
