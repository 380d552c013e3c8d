using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Tests.Integration.Conformance;

namespace Hybrid.Tests.Integration.Lmdb.Conformance;

/// <summary>One durable embedded store, in a temp directory, shared by every conformance test: tests use fresh tenants,
/// so sharing also checks isolation (and exercises group commit across tests running at once).</summary>
public sealed class LmdbStoreFactory : IEventStoreFactory, ISubjectKeyStoreFactory
{
    private static readonly Lazy<LmdbEventStore> Shared = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), "hybrid-lmdb-conformance-" + Guid.NewGuid().ToString("N"));
        var store = LmdbEventStore.Open(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            store.Dispose();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        };
        return store;
    });

    /// <inheritdoc />
    public Task<IEventStore> CreateAsync() => Task.FromResult<IEventStore>(Shared.Value);

    /// <inheritdoc />
    public Task<ISubjectKeyStore> CreateKeysAsync() => Task.FromResult<ISubjectKeyStore>(new LmdbSubjectKeyStore(Shared.Value));
}
