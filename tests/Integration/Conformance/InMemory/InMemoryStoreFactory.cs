using Hybrid.InMemory.EventStore;

namespace Hybrid.Tests.Integration.Conformance.InMemory;

/// <summary>One in-memory store shared by every conformance test: tests use fresh tenants, so sharing also checks isolation.</summary>
public sealed class InMemoryStoreFactory : IEventStoreFactory, ISubjectKeyStoreFactory, ILeaseStoreFactory, IDeadLetterStoreFactory
{
    private static readonly InMemoryEventStore Shared = new();

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Task.FromResult<IEventStore>(Shared);

    /// <inheritdoc />
    public Task<ISubjectKeyStore> CreateKeysAsync() => Task.FromResult<ISubjectKeyStore>(Keys);

    private static readonly Hybrid.InMemory.Lifecycle.InMemorySubjectKeyStore Keys = new();

    /// <inheritdoc />
    public Task<ILeaseStore> CreateLeasesAsync() => Task.FromResult<ILeaseStore>(Leases);

    private static readonly Hybrid.InMemory.Leases.InMemoryLeaseStore Leases = new(TimeProvider.System);

    /// <inheritdoc />
    public Task<IDeadLetterStore> CreateDeadLettersAsync() => Task.FromResult<IDeadLetterStore>(DeadLetters);

    private static readonly Hybrid.InMemory.Processors.InMemoryDeadLetterStore DeadLetters = new();
}
