using Hybrid.Tests.Integration.Postgres.Conformance;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>Command outcomes and races on the PostgreSQL store (a private cluster, or HYBRID_TEST_POSTGRES).</summary>
public sealed class PostgresCommandOutcomeTests() : CommandOutcomeTests(new PostgresStoreFactory());

/// <summary>The decided-state cache on the PostgreSQL store.</summary>
public sealed class PostgresDecidedStateCacheTests() : DecidedStateCacheTests(new PostgresStoreFactory());
