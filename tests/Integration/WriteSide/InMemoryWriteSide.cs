using Hybrid.InMemory.EventStore;
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>One in-memory store shared by a test class (tests use fresh tenants).</summary>
public sealed class InMemoryWriteSideStore : IEventStoreFactory
{
    private readonly InMemoryEventStore _store = new();

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Task.FromResult<IEventStore>(_store);
}

/// <summary>Command outcomes on the in-memory store.</summary>
public sealed class InMemoryCommandOutcomeTests() : CommandOutcomeTests(new InMemoryWriteSideStore());

/// <summary>The decided-state cache on the in-memory store.</summary>
public sealed class InMemoryDecidedStateCacheTests() : DecidedStateCacheTests(new InMemoryWriteSideStore());
