using Hybrid.Shell.Hosting;
using Hybrid.Shell.Lmdb;
using Hybrid.Shell.Lmdb.EventStore;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Hybrid.Sample.Host;

/// <summary>
/// Runs one `ops` subcommand against the sample's stores, without starting any processor: the embedded store in
/// DIR/events with serve's read-model cache in DIR (taken with the data-directory lock, so not while a serve has it) or PostgreSQL as the application role
/// (the owner's connection string migrates first); with a broker (--nats), the handlers' producer is known too, so its dead
/// letters can be retried (published again). A master key variable that holds no key prints one line naming the subcommand and
/// the variable and exits 1 before anything is opened, as serve does. Refusals (a --data directory with no store in it among them: nothing is
/// created there) print one line and exit 2; a replay that fails again, or a data directory a serve holds, exits 1.
/// </summary>
internal static class OpsSession
{
    public static async Task<int> Run(string subcommand, OpsStores stores, Func<HybridOperations, OpsOutput, CancellationToken, Task<int>> action,
        CancellationToken ct)
    {
        var (data, postgres, appPassword, nats) = stores;
        if (data is null == (postgres is null))
        {
            Console.Error.WriteLine("hybrid-sample ops: give either --data DIR (the embedded store) or --postgres CONNECTION.");
            return CliArguments.BadArguments;
        }
        if (SampleHybrid.MasterKeyProblem() is { } notAKey)
        {
            // Configuration, as serve reports it (exit 1), before any store is opened: the subcommand and the variable, never its value.
            Console.Error.WriteLine($"hybrid-sample ops {subcommand}: {notAKey}");
            return 1;
        }
        if (data is not null && SampleDataDirectory.NoStoreIn(data) is { } noStore)
        {
            Console.Error.WriteLine($"hybrid-sample ops: {noStore}");
            return CliArguments.BadArguments;
        }
        DataDirectoryLock? directoryLock;
        try { directoryLock = data is null ? null : DataDirectoryLock.Acquire(data); }
        catch (IOException ex) when (ex.InnerException is IOException { } held && held.GetType() == typeof(IOException))
        {
            Console.Error.WriteLine($"hybrid-sample ops: --data: the directory '{data}' is in use by a running serve: " +
                                    "ops on the embedded store run while no serve has it (stop it first), or on PostgreSQL (--postgres).");
            return 1;
        }
        catch (IOException unusable) // the lock's own message names --data and the directory
        {
            Console.Error.WriteLine($"hybrid-sample ops: {unusable.Message}");
            return 1;
        }
        using var _ = directoryLock;
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(Definitions.registry, hybrid =>
        {
            if (postgres is not null)
            {
                var app = new NpgsqlConnectionStringBuilder(postgres) { Username = "hybrid_app", Password = ApplicationPassword.Resolve(appPassword) };
                hybrid.UsePostgres(app.ConnectionString, pg =>
                {
                    pg.MigrationConnectionString = postgres;
                    pg.ApplicationRolePassword = ApplicationPassword.Resolve(appPassword);
                });
            }
            else
            {
                hybrid.UseEmbeddedStore(SampleDataDirectory.EventStore(data!));
                // serve's read-model cache, beside the store: a rebuild replaces what the next serve reads from it.
                hybrid.UseLmdbReadModelCache(data!);
            }
            hybrid.AddSampleEffects();
            hybrid.AddSampleRetention();
            if (nats is not null) hybrid.AddNatsProducer(BrokerTopology.EventsProducer);
        });
        if (nats is not null) builder.Services.AddNatsBroker(BrokerTopology.Broker(nats));
        var host = builder.Build();
        await using var disposeHost = (IAsyncDisposable)host; // the PostgreSQL stores dispose asynchronously only
        try
        {
            // Resolving the operations opens (and checks) the embedded store; PostgreSQL is opened and migrated by the first call.
            var operations = await Task.Run(() => host.Services.GetRequiredService<HybridOperations>(), ct);
            return await action(operations, new OpsOutput(), ct);
        }
        catch (OperationRefusedException refused)
        {
            Console.Error.WriteLine($"hybrid-sample ops: {refused.Message}");
            return CliArguments.BadArguments;
        }
        catch (ReplayFailedException failed)
        {
            Console.Error.WriteLine($"hybrid-sample ops: {failed.Message}");
            return 1;
        }
        catch (IOException unusable) // a damaged embedded store, or one this user may not open
        {
            Console.Error.WriteLine($"hybrid-sample ops: {(data is null ? "" : "--data: ")}{unusable.Message}");
            return 1;
        }
        catch (Exception e) when (DriverFailure(e) is { } unreachable)
        {
            // The store opens on its first call (a node waits for its database); ops reports the driver's failure once.
            var database = new NpgsqlConnectionStringBuilder(postgres);
            Console.Error.WriteLine($"hybrid-sample ops: --postgres: cannot use database '{database.Database}' on {database.Host}:{database.Port}: {unreachable.Message}");
            return 1;
        }
    }

    /// <summary>The driver's failure, thrown as it is or wrapped by the store that could not open.</summary>
    private static NpgsqlException? DriverFailure(Exception? e) => e switch
    {
        null => null,
        NpgsqlException driver => driver,
        _ => DriverFailure(e.InnerException),
    };
}
