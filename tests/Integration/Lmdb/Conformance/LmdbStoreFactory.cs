using System.Collections.Concurrent;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Lmdb.Conformance;

/// <summary>One durable embedded store, in a temp directory, shared by every conformance test: tests use fresh tenants,
/// so sharing also checks isolation (and exercises group commit across tests running at once). With a short
/// <paramref name="indexTailLength"/>, a tenant's first events are read through the indexes and its latest from the
/// index tail within one test (the default's tail holds a whole test's events).</summary>
public sealed class LmdbStoreFactory(int indexTailLength = 64) : IEventStoreFactory, ISubjectKeyStoreFactory, ILeaseStoreFactory, IDeadLetterStoreFactory
{
    private static readonly ConcurrentDictionary<int, Lazy<LmdbEventStore>> Stores = new();

    private LmdbEventStore Shared => Stores.GetOrAdd(indexTailLength, length => new Lazy<LmdbEventStore>(() => Open(length))).Value;

    private static LmdbEventStore Open(int indexTailLength)
    {
        var directory = Path.Combine(Path.GetTempPath(), "hybrid-lmdb-conformance-" + Guid.NewGuid().ToString("N"));
        var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = directory, IndexTailLength = indexTailLength });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            store.Dispose();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        };
        return store;
    }

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Task.FromResult<IEventStore>(Shared);

    /// <inheritdoc />
    public Task<ISubjectKeyStore> CreateKeysAsync() => Task.FromResult<ISubjectKeyStore>(new LmdbSubjectKeyStore(Shared));

    /// <inheritdoc />
    public Task<ILeaseStore> CreateLeasesAsync() => Task.FromResult<ILeaseStore>(new LmdbLeaseStore(Shared));

    /// <inheritdoc />
    public Task<IDeadLetterStore> CreateDeadLettersAsync() => Task.FromResult<IDeadLetterStore>(new LmdbDeadLetterStore(Shared));
}
