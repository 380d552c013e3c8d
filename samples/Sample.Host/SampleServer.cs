using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.ReadModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Sample.Host;

/// <summary>
/// The sample as a hosted service: <c>AddHybrid</c> on PostgreSQL (events, checkpoints, leases, dead letters) with the
/// LMDB read-model cache, the sample's definitions, processors and billing task, the HTTP API and <c>/health</c>.
/// Used by <c>serve</c> and by the integration tests, which start it in-process.
/// </summary>
public static class SampleServer
{
    /// <summary>
    /// Builds the web application, migrating the database (schema, processing tables, application role) first so a bad
    /// connection string fails here. The caller starts it (processors and scheduler start with it) and disposes it.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(SampleServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        (options.Logging ?? ConsoleLogging)(builder.Logging);

        var dataDirectory = options.ResolvedDataDirectory;
        builder.Services.AddSingleton(_ => DataDirectoryLock.Acquire(dataDirectory));
        builder.Services.AddSingleton(sp =>
        {
            sp.GetRequiredService<DataDirectoryLock>();
            return new LmdbReadModelStore(dataDirectory);
        });
        #region sample_serve_wiring
        builder.Services.AddHybrid(Definitions.registry, hybrid =>
        {
            hybrid.UsePostgres(AppConnectionString(options), pg =>
            {
                pg.MigrationConnectionString = options.Postgres;
                pg.ApplicationRolePassword = options.AppPassword;
            });
            hybrid.UseReadModelCache(sp => sp.GetRequiredService<LmdbReadModelStore>());
            hybrid.AddSampleEffects(options.OnEffect);
            hybrid.Processing(processors => processors.NodeId = options.NodeId);
            options.Tune?.Invoke(hybrid);
        });
        var web = builder.Build();
        #endregion
        try
        {
            // Resolving the stores runs the migrations (they block): off the caller's thread, before anything listens.
            await Task.Run(() =>
            {
                web.Services.GetRequiredService<ILeaseStore>();
                web.Services.GetRequiredService<ReadModelEngine>();
            }, ct);
            web.MapHybrid();
            return web;
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
    }

    /// <summary>The application role's connection string: the owner's host and database, logging in as hybrid_app.</summary>
    private static string AppConnectionString(SampleServerOptions options) =>
        new NpgsqlConnectionStringBuilder(options.Postgres) { Username = "hybrid_app", Password = options.AppPassword }.ConnectionString;

    /// <summary>The first address the started application listens on (with the port Kestrel picked for port 0).</summary>
    public static Uri Address(WebApplication web) => new(web.Urls.First());

    private static void ConsoleLogging(ILoggingBuilder logging)
    {
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
    }
}
