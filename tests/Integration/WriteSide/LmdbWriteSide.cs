using Hybrid.Tests.Integration.Lmdb.Conformance;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>The decided-state cache on the embedded LMDB store.</summary>
public sealed class LmdbDecidedStateCacheTests() : DecidedStateCacheTests(new LmdbStoreFactory());
