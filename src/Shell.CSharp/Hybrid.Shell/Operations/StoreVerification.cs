namespace Hybrid.Shell.Operations;

/// <summary>What a logical check of a store found: tenants and events read, and each problem in one line.</summary>
/// <param name="Tenants">Tenants checked.</param>
/// <param name="Events">Events read.</param>
/// <param name="Problems">What was wrong, one line each naming the tenant; empty when sound.</param>
public sealed record StoreVerification(int Tenants, long Events, IReadOnlyList<string> Problems)
{
    /// <summary>True when no problem was found.</summary>
    public bool Sound => Problems.Count == 0;

    /// <inheritdoc />
    public override string ToString() =>
        Sound ? $"sound: {Tenants} tenants, {Events} events" : $"{Problems.Count} problems in {Tenants} tenants, {Events} events: {Problems[0]}";
}
