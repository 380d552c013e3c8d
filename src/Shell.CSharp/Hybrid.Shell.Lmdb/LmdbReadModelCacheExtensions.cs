using Hybrid.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Lmdb;

/// <summary>Chooses the LMDB read-model cache for <see cref="HybridServiceCollectionExtensions.AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>.</summary>
public static class LmdbReadModelCacheExtensions
{
    /// <summary>
    /// The LMDB read-model cache in the directory (created when missing), logging to the host's logging: a damaged
    /// cache file is moved aside with a warning naming both files and the read models are rebuilt from the log.
    /// </summary>
    public static HybridBuilder UseLmdbReadModelCache(this HybridBuilder builder, string directory) =>
        builder.UseLmdbReadModelCache(new LmdbReadModelStoreOptions { Directory = directory });

    /// <summary>
    /// The LMDB read-model cache with these options, logging to the host's logging; its clock is the host's
    /// <see cref="TimeProvider"/> when one is registered and the options keep the system clock.
    /// </summary>
    public static HybridBuilder UseLmdbReadModelCache(this HybridBuilder builder, LmdbReadModelStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder.UseReadModelCache(sp => new LmdbReadModelStore(
            options.Clock == TimeProvider.System && sp.GetService<TimeProvider>() is { } clock ? options with { Clock = clock } : options,
            sp.GetService<ILogger<LmdbReadModelStore>>()));
    }
}
