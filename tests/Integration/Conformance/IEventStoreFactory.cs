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

/// <summary>A store factory that also gives the crypto-shredding key store kept beside its store (same database or file).</summary>
public interface ISubjectKeyStoreFactory
{
    /// <summary>The key store beside the factory's event store.</summary>
    Task<ISubjectKeyStore> CreateKeysAsync();
}

/// <summary>A store factory that also gives the lease store kept beside its store (same database or file).</summary>
public interface ILeaseStoreFactory
{
    /// <summary>The lease store beside the factory's event store.</summary>
    Task<ILeaseStore> CreateLeasesAsync();
}

/// <summary>A store factory that also gives the dead-letter store kept beside its store (same database or file).</summary>
public interface IDeadLetterStoreFactory
{
    /// <summary>The dead-letter store beside the factory's event store.</summary>
    Task<IDeadLetterStore> CreateDeadLettersAsync();
}

/// <summary>Fresh tenant ids, so tests sharing a store never see each other's events.</summary>
public static class Tenants
{
    /// <summary>A tenant id no other test uses.</summary>
    public static string Fresh(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";
}
