namespace Hybrid.Shell.Processors;

/// <summary>A processor tried to write with a fencing token of a lease it no longer holds: it stops, nothing was written.</summary>
public sealed class LeaseLostException(string tenant, string processor, string reason)
    : Exception($"Tenant '{tenant}': processor '{processor}' lost its lease: {reason}")
{
    /// <summary>The tenant concerned.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>The processor concerned.</summary>
    public string Processor { get; } = processor;
}
