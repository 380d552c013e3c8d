using Hybrid.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>Chooses the embedded LMDB event store for <see cref="HybridServiceCollectionExtensions.AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>.</summary>
public static class LmdbHybridBuilderExtensions
{
    /// <summary>
    /// The embedded event store in the directory (created when missing): events, checkpoints, leases, dead letters and
    /// crypto-shredding subject keys in one file, no database server. Opened (and checked) once, when first resolved; closed with the container.
    /// One process uses a store at a time. The read-model cache is chosen separately (<c>UseReadModelCache</c>) and
    /// must live in another directory.
    /// </summary>
    public static HybridBuilder UseEmbeddedStore(this HybridBuilder builder, string directory) =>
        builder.UseEmbeddedStore(new LmdbEventStoreOptions { Directory = directory });

    /// <summary>The embedded event store with these options (its clock is the container's <see cref="TimeProvider"/>).</summary>
    public static HybridBuilder UseEmbeddedStore(this HybridBuilder builder, LmdbEventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddSingleton(sp => LmdbEventStore.Open(options with { Clock = sp.GetRequiredService<TimeProvider>() }));
        return builder
            .UseEventStore(sp => sp.GetRequiredService<LmdbEventStore>())
            .UseLeaseStore(sp => new LmdbLeaseStore(sp.GetRequiredService<LmdbEventStore>()))
            .UseDeadLetterStore(sp => new LmdbDeadLetterStore(sp.GetRequiredService<LmdbEventStore>()))
            .UseSubjectKeyStore(sp => new LmdbSubjectKeyStore(sp.GetRequiredService<LmdbEventStore>()));
    }
}
