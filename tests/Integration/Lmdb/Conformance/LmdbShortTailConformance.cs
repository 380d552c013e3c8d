// The embedded LMDB store again, each tenant's index tail indexed every second event: reads and conditions in every
// conformance class then span the indexes and the tail (the default's tail holds a whole test's events).
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Lmdb.Conformance;

public sealed class LmdbShortTailEmptyReadConformance() : EmptyReadConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailEmptyAppendConformance() : EmptyAppendConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailMetadataConformance() : MetadataConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailExpectedVersionConformance() : ExpectedVersionConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailConditionConformance() : ConditionConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailPagingConformance() : PagingConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailDeletionConformance() : DeletionConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailIdempotencyConformance() : IdempotencyConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailCheckpointConformance() : CheckpointConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailTenantIsolationConformance() : TenantIsolationConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailInvalidInputConformance() : InvalidInputConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailUndefinedInputConformance() : UndefinedInputConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailCancellationConformance() : CancellationConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailSubscriptionConformance() : SubscriptionConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailConcurrencyConformance() : ConcurrencyConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailReadByIdConformance() : ReadByIdConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailBodyConformance() : BodyConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailTimestampConformance() : TimestampConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailSubscriptionFilterConformance() : SubscriptionFilterConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailUpcastingConformance() : UpcastingConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailPurgeConformance() : PurgeConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailShreddingConformance() : ShreddingConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailSubjectKeyStoreConformance() : SubjectKeyStoreConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailArchiveConformance() : ArchiveConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailRetentionConformance() : RetentionConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailPeerCaseConformance() : PeerCaseConformance(new LmdbStoreFactory(indexTailLength: 2));
public sealed class LmdbShortTailNameConformance() : NameConformance(new LmdbStoreFactory(indexTailLength: 2));
