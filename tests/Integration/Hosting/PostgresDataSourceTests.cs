using System.Collections.Concurrent;
using Hybrid.Shell.Hosting;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.FSharp.Core;
using Npgsql;

namespace Hybrid.Tests.Integration.Hosting;

/// <summary><c>UsePostgres(dataSource)</c>: Hybrid migrates, runs on the application's data source, and leaves it open.</summary>
public sealed class PostgresDataSourceTests
{
    [Fact]
    public async Task a_host_on_the_applications_data_source_migrates_runs_processors_and_leaves_the_data_source_open()
    {
        var admin = await PostgresTestServer.CreateDatabaseAsync("hybrid_datasource");
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(admin) { Username = "hybrid_app" }.ConnectionString);
        var registry = Runtime.addProcessor(Ordering.mailer, Runtime.addProcessor(Ordering.invoicer(FuncConvert.FromFunc(() => false)), RegistryModule.empty));
        var mailed = new ConcurrentQueue<string>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(registry, hybrid => hybrid
            .UsePostgres(dataSource, pg => pg.MigrationConnectionString = admin)
            .AddEffectHandler(Ordering.Effects.Mail, (effect, _) =>
            {
                mailed.Enqueue((string)effect.Intent.Payload);
                return Task.CompletedTask;
            })
            .Processing(o =>
            {
                o.RebalanceInterval = TimeSpan.FromMilliseconds(200);
                o.PollInterval = TimeSpan.FromMilliseconds(200);
            }));
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await ProcessingDatabase.PlaceOrder(host.Services.GetRequiredService<IEventStore>(), "acme", "o1");
            await Eventually.Until(() => Task.FromResult(mailed.Contains("o1")), "the invoice is mailed");
            await host.StopAsync();
        }

        // The host is gone; the application's data source still serves it.
        await using var command = dataSource.CreateCommand("SELECT current_user");
        Assert.Equal("hybrid_app", await command.ExecuteScalarAsync());
    }
}
