using Hybrid.Shell.Hosting;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Operations;
using Hybrid.Tests.TestDomain.ReadModels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Hybrid.Tests.TestDomain.ReadModels.CounterEvents;

namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>
/// The LMDB read-model cache as a host wires it (<c>UseEmbeddedStore</c> and <c>UseLmdbReadModelCache</c> in real
/// temporary directories), restarted between steps as a process would be.
/// </summary>
public sealed class HostedReadModelCacheTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-cache-");
    private readonly WarningLogProvider _log = new();

    public void Dispose() => _temp.Delete(recursive: true);

    private string CacheDirectory => Path.Combine(_temp.FullName, "cache");

    private IHost Build()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging(logging => logging.AddProvider(_log));
        builder.Services.AddHybrid(hybrid => hybrid
            .UseEmbeddedStore(Path.Combine(_temp.FullName, "events"))
            .UseLmdbReadModelCache(CacheDirectory)
            .AddReadModel(CounterModels.summary));
        return builder.Build();
    }

    private static async Task Count(IHost host, string tenant, int events)
    {
        var store = host.Services.GetRequiredService<IEventStore>();
        for (var i = 0; i < events; i++)
            await store.Append(AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(),
                toData(CounterEvent.NewCounted($"k{i % 5}", i, "x")), EventMetadata.Empty)), default);
    }

    private static Task<ReadModelView> Summary(IHost host) =>
        host.Services.GetRequiredService<IReadModelViews>().Read("acme", CounterModels.summary.Name, "", default);

    [Fact]
    public async Task a_cache_file_overwritten_with_garbage_is_moved_aside_with_a_warning_in_the_hosts_log_and_rebuilt_from_the_log()
    {
        object before;
        using (var host = Build())
        {
            await Count(host, "acme", 20);
            before = (await Summary(host)).State;
        }
        var file = Path.Combine(CacheDirectory, "data.mdb");
        var garbage = new byte[new FileInfo(file).Length];
        new Random(5).NextBytes(garbage);
        File.WriteAllBytes(file, garbage);

        using (var host = Build())
        {
            var view = await Summary(host);

            Assert.Equal((20L, before), (view.Position, view.State));
        }
        Assert.Single(Directory.GetFiles(CacheDirectory, "data.mdb.damaged-*"));
        Assert.Contains(_log.Warnings, w => w.Contains("read-model cache file") && w.Contains(file) && w.Contains("moved it to"));
    }

    [Fact]
    public async Task an_online_rebuild_through_the_operations_folds_the_whole_log_again_and_the_next_run_reads_it_from_the_cache()
    {
        using (var host = Build())
        {
            await Count(host, "acme", 12);
            await Summary(host);
            await Count(host, "acme", 3);

            Assert.Equal(15, await host.Services.GetRequiredService<HybridOperations>().RebuildReadModel("acme", CounterModels.summary.Name, "", default));
        }
        using (var host = Build())
        {
            var view = await Summary(host);

            Assert.Equal(15, view.Position);
            Assert.Equal(1, host.Services.GetRequiredService<HybridOperations>().CacheStatistics.L2Hits);
        }
    }

    [Fact]
    public async Task disposing_the_host_flushes_and_closes_its_cache_file_and_the_next_host_reads_the_flushed_state()
    {
        LmdbReadModelStore cache;
        using (var host = Build())
        {
            await Count(host, "acme", 7);
            await Summary(host);
            cache = Assert.IsType<LmdbReadModelStore>(host.Services.GetRequiredService<IReadModelStore>());
        }

        // An open LMDB environment left to the finalizer used to end the test process.
        Assert.Throws<ObjectDisposedException>(() => cache.Versions(CounterModels.summary.Name));
        using (var host = Build())
        {
            Assert.Equal(7, (await Summary(host)).Position);
            Assert.Equal(1, host.Services.GetRequiredService<HybridOperations>().CacheStatistics.L2Hits);
        }
    }
}
