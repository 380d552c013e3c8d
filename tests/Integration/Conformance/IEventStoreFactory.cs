namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// Creates the store a conformance class runs against. Each test uses fresh tenant ids (see <see cref="Tenants"/>),
/// so one store per class is enough and stores may be shared across classes.
/// </summary>
public interface IEventStoreFactory
{
    /// <summary>A store ready for use.</summary>
    Task<IEventStore> CreateAsync();
}

/// <summary>Fresh tenant ids, so tests sharing a store never see each other's events.</summary>
public static class Tenants
{
    /// <summary>A tenant id no other test uses.</summary>
    public static string Fresh(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";
}
