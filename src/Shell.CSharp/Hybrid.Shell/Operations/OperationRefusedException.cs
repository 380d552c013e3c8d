namespace Hybrid.Shell.Operations;

/// <summary>An operator's request refused before anything changed: the kind and a one-line message naming what was wrong.</summary>
public sealed class OperationRefusedException(OperationRefusal refusal, string message) : Exception(message)
{
    /// <summary>Why it was refused.</summary>
    public OperationRefusal Refusal { get; } = refusal;
}
