// The PostgreSQL store enrolled in every conformance class: one line per behaviour area.
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Postgres.Conformance;

public sealed class PostgresEmptyReadConformance() : EmptyReadConformance(new PostgresStoreFactory());
public sealed class PostgresExpectedVersionConformance() : ExpectedVersionConformance(new PostgresStoreFactory());
public sealed class PostgresConditionConformance() : ConditionConformance(new PostgresStoreFactory());
public sealed class PostgresPagingConformance() : PagingConformance(new PostgresStoreFactory());
public sealed class PostgresDeletionConformance() : DeletionConformance(new PostgresStoreFactory());
public sealed class PostgresIdempotencyConformance() : IdempotencyConformance(new PostgresStoreFactory());
public sealed class PostgresCheckpointConformance() : CheckpointConformance(new PostgresStoreFactory());
public sealed class PostgresTenantIsolationConformance() : TenantIsolationConformance(new PostgresStoreFactory());
public sealed class PostgresInvalidInputConformance() : InvalidInputConformance(new PostgresStoreFactory());
public sealed class PostgresUndefinedInputConformance() : UndefinedInputConformance(new PostgresStoreFactory());
public sealed class PostgresCancellationConformance() : CancellationConformance(new PostgresStoreFactory());
public sealed class PostgresSubscriptionConformance() : SubscriptionConformance(new PostgresStoreFactory());
public sealed class PostgresConcurrencyConformance() : ConcurrencyConformance(new PostgresStoreFactory());
public sealed class PostgresEmptyAppendConformance() : EmptyAppendConformance(new PostgresStoreFactory());
public sealed class PostgresReadByIdConformance() : ReadByIdConformance(new PostgresStoreFactory());
public sealed class PostgresBodyConformance() : BodyConformance(new PostgresStoreFactory());
public sealed class PostgresTimestampConformance() : TimestampConformance(new PostgresStoreFactory());
public sealed class PostgresSubscriptionFilterConformance() : SubscriptionFilterConformance(new PostgresStoreFactory());
public sealed class PostgresUpcastingConformance() : UpcastingConformance(new PostgresStoreFactory());
public sealed class PostgresMetadataConformance() : MetadataConformance(new PostgresStoreFactory());
public sealed class PostgresPurgeConformance() : PurgeConformance(new PostgresStoreFactory());
public sealed class PostgresShreddingConformance() : ShreddingConformance(new PostgresStoreFactory());
public sealed class PostgresSubjectKeyStoreConformance() : SubjectKeyStoreConformance(new PostgresStoreFactory());
public sealed class PostgresArchiveConformance() : ArchiveConformance(new PostgresStoreFactory());
public sealed class PostgresRetentionConformance() : RetentionConformance(new PostgresStoreFactory());
public sealed class PostgresPeerCaseConformance() : PeerCaseConformance(new PostgresStoreFactory());
public sealed class PostgresLeaseConformance() : LeaseConformance(new PostgresStoreFactory());
public sealed class PostgresNameConformance() : NameConformance(new PostgresStoreFactory());
public sealed class PostgresDeadLetterStoreConformance() : DeadLetterStoreConformance(new PostgresStoreFactory());
public sealed class PostgresReadModelConformance() : ReadModelConformance(new PostgresStoreFactory());
