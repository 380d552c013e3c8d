using Hybrid.Shell.GraphQL;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Http;
using Hybrid.Shell.Http.Admin;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.ReadModels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Hybrid.Sample.Host;

/// <summary>
/// The sample as a hosted service: <c>AddHybrid</c> on PostgreSQL or on the embedded LMDB store (events, checkpoints,
/// leases, dead letters) with the LMDB read-model cache, the sample's definitions, processors and billing task, the
/// HTTP API, GraphQL at <c>/graphql</c>, the admin page at <c>/admin</c> and <c>/health</c>. Used by <c>serve</c> and by the integration tests, which start it in-process.
/// </summary>
public static class SampleServer
{
    /// <summary>
    /// Builds the web application, opening (and checking) the embedded store first, so a damaged store or a master key
    /// that does not open the stored personal data (<see cref="MasterKeyCheck"/>) fails here. On PostgreSQL the database
    /// is opened and migrated (schema, processing tables, application role) in the background once the application
    /// starts, retrying until it can be reached: requests answer 503 until then. The caller
    /// starts it (processors and scheduler start with it) and disposes it.
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
            return new LmdbReadModelStore(new LmdbReadModelStoreOptions { Directory = dataDirectory }, sp.GetRequiredService<ILogger<LmdbReadModelStore>>());
        });
        #region sample_serve_wiring
        builder.Services.AddHybrid(Definitions.registry, hybrid =>
        {
            if (options.Postgres is { } postgres)
            {
                hybrid.UsePostgres(AppConnectionString(options), pg =>
                {
                    pg.MigrationConnectionString = postgres;
                    pg.ApplicationRolePassword = options.AppPassword;
                });
            }
            else hybrid.UseEmbeddedStore(options.EventStoreDirectory);
            hybrid.UseReadModelCache(sp => sp.GetRequiredService<LmdbReadModelStore>());
            hybrid.AddSampleEffects(options.OnEffect);
            hybrid.AddSampleRetention();
            hybrid.Processing(processors => processors.NodeId = options.ResolvedNodeId);
            options.Tune?.Invoke(hybrid);
        });
        builder.Services.AddHybridAdmin();
        var web = builder.Build();
        #endregion
        try
        {
            // Resolving the stores checks the embedded store (it blocks): off the caller's thread, before anything listens;
            // the data directory is taken first.
            await Task.Run(() =>
            {
                web.Services.GetRequiredService<DataDirectoryLock>();
                web.Services.GetRequiredService<ILeaseStore>();
                web.Services.GetRequiredService<ReadModelEngine>();
            }, ct);
            await MasterKeyCheck.RunAsync(web.Services, ct); // a master key that does not open the stored keys stops here

            web.UseProblemStatusPages();
            web.MapHybrid();
            web.MapHybridGraphQL();
            web.MapHybridAdmin();
            return web;
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the built application; false when a stop was asked for (<paramref name="stopping"/>, or the application's
    /// lifetime: SIGTERM or Ctrl+C) while it was starting: whatever had started (the processors, the scheduler) is stopped again as a stop after the
    /// start would stop it, leases handed back, and the caller exits as from any graceful stop, instead of failing with
    /// the cancellation.
    /// </summary>
    public static async Task<bool> TryStartAsync(WebApplication web, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(web);
        try
        {
            await web.StartAsync(stopping);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested || web.Lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // The host's own SIGTERM handler (its console lifetime) stops the application too: either may come first.
            await web.StopAsync(CancellationToken.None);
            return false;
        }
    }

    /// <summary>The application role's connection string: the owner's host and database, logging in as hybrid_app.</summary>
    private static string AppConnectionString(SampleServerOptions options) =>
        new NpgsqlConnectionStringBuilder(options.Postgres) { Username = "hybrid_app", Password = options.AppPassword }.ConnectionString;

    /// <summary>The first address the started application listens on (with the port Kestrel picked for port 0).</summary>
    public static Uri Address(WebApplication web) => new(web.Urls.First());

    /// <summary>One line per entry with the time, Information and above (Microsoft's own at Warning, but the host's lifetime).</summary>
    internal static void ConsoleLogging(ILoggingBuilder logging)
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
