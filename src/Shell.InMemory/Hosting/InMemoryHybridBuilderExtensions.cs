using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Lifecycle;
using Hybrid.InMemory.Processors;
using Hybrid.InMemory.ReadModels;
using Hybrid.InMemory.Tenants;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Hosting;

/// <summary>Chooses the in-memory stores for <see cref="HybridServiceCollectionExtensions.AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>.</summary>
public static class InMemoryHybridBuilderExtensions
{
    /// <summary>
    /// In-memory event, lease and dead-letter stores, tenant catalogue, read-model cache and subject keys, timed by the container's
    /// <see cref="TimeProvider"/> (register a <see cref="Hybrid.InMemory.Time.VirtualClock"/> first for virtual time). Everything is lost when the
    /// process ends: for tests, simulations and demos.
    /// </summary>
    public static HybridBuilder UseInMemory(this HybridBuilder builder) => builder
        .UseEventStore(sp => new InMemoryEventStore(sp.GetRequiredService<TimeProvider>()))
        .UseLeaseStore(sp => new InMemoryLeaseStore(sp.GetRequiredService<TimeProvider>()))
        .UseDeadLetterStore(_ => new InMemoryDeadLetterStore())
        .UseTenantCatalogue(sp => new InMemoryTenantCatalogue(sp.GetRequiredService<TimeProvider>()))
        .UseReadModelCache(_ => new InMemoryReadModelStore())
        .UseSubjectKeyStore(_ => new InMemorySubjectKeyStore());
}
