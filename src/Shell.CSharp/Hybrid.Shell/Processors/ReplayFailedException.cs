namespace Hybrid.Shell.Processors;

/// <summary>A dead letter's replay failed again after all its attempts; the dead letter stays pending.</summary>
public sealed class ReplayFailedException(int attempts, Exception inner)
    : Exception($"The replay failed after {attempts} attempts: {inner.Message}", inner)
{
    /// <summary>Attempts made by this replay.</summary>
    public int Attempts { get; } = attempts;
}
