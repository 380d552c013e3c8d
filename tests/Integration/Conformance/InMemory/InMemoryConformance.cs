// The in-memory store enrolled in every conformance class: one line per behaviour area.
namespace Hybrid.Tests.Integration.Conformance.InMemory;

public sealed class InMemoryEmptyReadConformance() : EmptyReadConformance(new InMemoryStoreFactory());
public sealed class InMemoryExpectedVersionConformance() : ExpectedVersionConformance(new InMemoryStoreFactory());
public sealed class InMemoryConditionConformance() : ConditionConformance(new InMemoryStoreFactory());
public sealed class InMemoryPagingConformance() : PagingConformance(new InMemoryStoreFactory());
public sealed class InMemoryDeletionConformance() : DeletionConformance(new InMemoryStoreFactory());
public sealed class InMemoryIdempotencyConformance() : IdempotencyConformance(new InMemoryStoreFactory());
public sealed class InMemoryCheckpointConformance() : CheckpointConformance(new InMemoryStoreFactory());
public sealed class InMemoryTenantIsolationConformance() : TenantIsolationConformance(new InMemoryStoreFactory());
public sealed class InMemoryInvalidInputConformance() : InvalidInputConformance(new InMemoryStoreFactory());
public sealed class InMemoryUndefinedInputConformance() : UndefinedInputConformance(new InMemoryStoreFactory());
public sealed class InMemoryCancellationConformance() : CancellationConformance(new InMemoryStoreFactory());
public sealed class InMemorySubscriptionConformance() : SubscriptionConformance(new InMemoryStoreFactory());
public sealed class InMemoryConcurrencyConformance() : ConcurrencyConformance(new InMemoryStoreFactory());
public sealed class InMemoryEmptyAppendConformance() : EmptyAppendConformance(new InMemoryStoreFactory());
public sealed class InMemoryReadByIdConformance() : ReadByIdConformance(new InMemoryStoreFactory());
public sealed class InMemoryBodyConformance() : BodyConformance(new InMemoryStoreFactory());
public sealed class InMemoryTimestampConformance() : TimestampConformance(new InMemoryStoreFactory());
public sealed class InMemorySubscriptionFilterConformance() : SubscriptionFilterConformance(new InMemoryStoreFactory());
public sealed class InMemoryUpcastingConformance() : UpcastingConformance(new InMemoryStoreFactory());
public sealed class InMemoryMetadataConformance() : MetadataConformance(new InMemoryStoreFactory());
public sealed class InMemoryPurgeConformance() : PurgeConformance(new InMemoryStoreFactory());
public sealed class InMemoryShreddingConformance() : ShreddingConformance(new InMemoryStoreFactory());
public sealed class InMemorySubjectKeyStoreConformance() : SubjectKeyStoreConformance(new InMemoryStoreFactory());
public sealed class InMemoryArchiveConformance() : ArchiveConformance(new InMemoryStoreFactory());
public sealed class InMemoryRetentionConformance() : RetentionConformance(new InMemoryStoreFactory());
public sealed class InMemoryPeerCaseConformance() : PeerCaseConformance(new InMemoryStoreFactory());
