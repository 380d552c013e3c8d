using System.CommandLine;
using Hybrid.Shell.Commands;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Nats;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Sample.Host;

/// <summary>
/// `handler --postgres … --nats …`: runs the commands sent through the broker with the sample's command processor on
/// PostgreSQL, the sample's processors and billing task, and the producer that publishes the events to the broker.
/// Several handlers share the command queue and, through leases, the processors and the producer.
/// </summary>
internal static class HandlerCommand
{
    public static System.CommandLine.Command Create()
    {
        var postgres = new Option<string>("--postgres") { Description = "The owner's PostgreSQL connection string.", Required = true };
        var nats = BrokerTopology.NatsOption();
        var ackWait = BrokerTopology.AckWaitOption();
        var nodeId = new Option<string>("--node-id") { Description = "This node's id in the lease store.", DefaultValueFactory = _ => $"{Environment.MachineName}-{Environment.ProcessId}" };
        var command = new System.CommandLine.Command("handler", "Run the commands sent through the broker, the processors and the event producer.")
        {
            postgres, nats, ackWait, nodeId,
        };
        command.SetAction(async (parse, ct) =>
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder([]);
            BrokerTopology.ConsoleLogging(builder.Logging);
            builder.Services.AddNatsBroker(BrokerTopology.Broker(parse.GetValue(nats)!, parse.GetValue(ackWait)));
            builder.Services.AddHybrid(Definitions.registry, hybrid =>
            {
                hybrid.UsePostgres(PostgresEventStoreOptions.ForAdmin(parse.GetValue(postgres)!));
                hybrid.AddSampleEffects();
                hybrid.AddNatsProducer(BrokerTopology.EventsProducer);
                hybrid.ProcessorOptions.NodeId = parse.GetValue(nodeId)!;
                hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(6);
                hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromSeconds(1);
                hybrid.ProcessorOptions.PollInterval = TimeSpan.FromSeconds(1);
            });
            builder.Services.AddSingleton(sp => new CommandProcessor(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
                CommandCatalog.Of(sp.GetRequiredService<Registry>()), tagKeys: sp.GetService<ITenantTagKeys>()));
            builder.Services.AddNatsCommandHandler();
            using var host = builder.Build();
            await host.StartAsync(ct);
            Console.WriteLine($"handler {parse.GetValue(nodeId)} ready");
            await host.WaitForShutdownAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }
}
