// The routing store of a tenancy map enrolled in every conformance class: it must keep the contract it routes.
using Hybrid.InMemory.EventStore;
using Hybrid.InMemory.Leases;
using Hybrid.InMemory.Processors;
using Hybrid.Shell.Routing;

namespace Hybrid.Tests.Integration.Conformance.Routing;

/// <summary>A routing store over two in-memory databases; new tenants are created in the second one.</summary>
public sealed class RoutingStoreFactory : IEventStoreFactory
{
    private static readonly RoutingEventStore Shared = new(
        new TenancyMap(["a", "b"], defaultDatabase: "b"),
        new TenantDatabases(["a", "b"], (name, _) => Task.FromResult(
            new TenantDatabase(name, new InMemoryEventStore(), new InMemoryLeaseStore(TimeProvider.System), new InMemoryDeadLetterStore()))));

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Task.FromResult<IEventStore>(Shared);
}

public sealed class RoutingEmptyReadConformance() : EmptyReadConformance(new RoutingStoreFactory());
public sealed class RoutingExpectedVersionConformance() : ExpectedVersionConformance(new RoutingStoreFactory());
public sealed class RoutingConditionConformance() : ConditionConformance(new RoutingStoreFactory());
public sealed class RoutingPagingConformance() : PagingConformance(new RoutingStoreFactory());
public sealed class RoutingDeletionConformance() : DeletionConformance(new RoutingStoreFactory());
public sealed class RoutingIdempotencyConformance() : IdempotencyConformance(new RoutingStoreFactory());
public sealed class RoutingCheckpointConformance() : CheckpointConformance(new RoutingStoreFactory());
public sealed class RoutingTenantIsolationConformance() : TenantIsolationConformance(new RoutingStoreFactory());
public sealed class RoutingInvalidInputConformance() : InvalidInputConformance(new RoutingStoreFactory());
public sealed class RoutingUndefinedInputConformance() : UndefinedInputConformance(new RoutingStoreFactory());
public sealed class RoutingCancellationConformance() : CancellationConformance(new RoutingStoreFactory());
public sealed class RoutingSubscriptionConformance() : SubscriptionConformance(new RoutingStoreFactory());
public sealed class RoutingConcurrencyConformance() : ConcurrencyConformance(new RoutingStoreFactory());
public sealed class RoutingEmptyAppendConformance() : EmptyAppendConformance(new RoutingStoreFactory());
public sealed class RoutingReadByIdConformance() : ReadByIdConformance(new RoutingStoreFactory());
public sealed class RoutingBodyConformance() : BodyConformance(new RoutingStoreFactory());
public sealed class RoutingTimestampConformance() : TimestampConformance(new RoutingStoreFactory());
public sealed class RoutingSubscriptionFilterConformance() : SubscriptionFilterConformance(new RoutingStoreFactory());
public sealed class RoutingUpcastingConformance() : UpcastingConformance(new RoutingStoreFactory());
public sealed class RoutingMetadataConformance() : MetadataConformance(new RoutingStoreFactory());
public sealed class RoutingPeerCaseConformance() : PeerCaseConformance(new RoutingStoreFactory());
public sealed class RoutingNameConformance() : NameConformance(new RoutingStoreFactory());
