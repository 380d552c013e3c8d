// The embedded LMDB store enrolled in every conformance class: one line per behaviour area.
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Lmdb.Conformance;

public sealed class LmdbEmptyReadConformance() : EmptyReadConformance(new LmdbStoreFactory());
public sealed class LmdbEmptyAppendConformance() : EmptyAppendConformance(new LmdbStoreFactory());
public sealed class LmdbMetadataConformance() : MetadataConformance(new LmdbStoreFactory());
public sealed class LmdbExpectedVersionConformance() : ExpectedVersionConformance(new LmdbStoreFactory());
public sealed class LmdbConditionConformance() : ConditionConformance(new LmdbStoreFactory());
public sealed class LmdbPagingConformance() : PagingConformance(new LmdbStoreFactory());
public sealed class LmdbDeletionConformance() : DeletionConformance(new LmdbStoreFactory());
public sealed class LmdbIdempotencyConformance() : IdempotencyConformance(new LmdbStoreFactory());
public sealed class LmdbCheckpointConformance() : CheckpointConformance(new LmdbStoreFactory());
public sealed class LmdbTenantIsolationConformance() : TenantIsolationConformance(new LmdbStoreFactory());
public sealed class LmdbInvalidInputConformance() : InvalidInputConformance(new LmdbStoreFactory());
public sealed class LmdbUndefinedInputConformance() : UndefinedInputConformance(new LmdbStoreFactory());
public sealed class LmdbCancellationConformance() : CancellationConformance(new LmdbStoreFactory());
public sealed class LmdbSubscriptionConformance() : SubscriptionConformance(new LmdbStoreFactory());
public sealed class LmdbConcurrencyConformance() : ConcurrencyConformance(new LmdbStoreFactory());
public sealed class LmdbReadByIdConformance() : ReadByIdConformance(new LmdbStoreFactory());
public sealed class LmdbBodyConformance() : BodyConformance(new LmdbStoreFactory());
public sealed class LmdbTimestampConformance() : TimestampConformance(new LmdbStoreFactory());
public sealed class LmdbSubscriptionFilterConformance() : SubscriptionFilterConformance(new LmdbStoreFactory());
public sealed class LmdbUpcastingConformance() : UpcastingConformance(new LmdbStoreFactory());
public sealed class LmdbPurgeConformance() : PurgeConformance(new LmdbStoreFactory());
public sealed class LmdbShreddingConformance() : ShreddingConformance(new LmdbStoreFactory());
public sealed class LmdbSubjectKeyStoreConformance() : SubjectKeyStoreConformance(new LmdbStoreFactory());
public sealed class LmdbArchiveConformance() : ArchiveConformance(new LmdbStoreFactory());
public sealed class LmdbRetentionConformance() : RetentionConformance(new LmdbStoreFactory());
public sealed class LmdbPeerCaseConformance() : PeerCaseConformance(new LmdbStoreFactory());
public sealed class LmdbLeaseConformance() : LeaseConformance(new LmdbStoreFactory());
public sealed class LmdbNameConformance() : NameConformance(new LmdbStoreFactory());
public sealed class LmdbDeadLetterStoreConformance() : DeadLetterStoreConformance(new LmdbStoreFactory());
public sealed class LmdbReadModelConformance() : ReadModelConformance(new LmdbStoreFactory());
