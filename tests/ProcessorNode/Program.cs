using Hybrid;
using Hybrid.Shell.Hosting;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.Hosting;
using Microsoft.FSharp.Core;

// Usage: hybrid-test-processor-node <admin connection string> <node id> <effect log file> <handler delay ms>
// Runs the test domain's invoicer (emits), mailer (at-least-once effect) and charger (at-most-once effect) on
// PostgreSQL until killed. Every effect performed is appended to the log file as "<kind> <tenant> <order>".
var (admin, node, effectLog, delay) = (args[0], args[1], args[2], int.Parse(args[3]));

var invoicer = Ordering.invoicer(FuncConvert.FromFunc(() => false));
var slowInvoicer = invoicer.WithHandler((c, e) =>
{
    Thread.Sleep(delay);
    return FSharpFunc<ProcessorContext, RecordedEvent>.InvokeFast(invoicer.Handle, c, e);
});

var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Services.AddHybrid(hybrid =>
{
    hybrid.UsePostgres(PostgresEventStoreOptions.ForAdmin(admin));
    hybrid.AddProcessor(slowInvoicer);
    hybrid.AddProcessor(Ordering.mailer);
    hybrid.AddProcessor(Ordering.charger);
    hybrid.AddEffectHandler(Ordering.Effects.Mail, (effect, ct) => Record(effect.Intent.Kind, effect.Tenant, (string)effect.Intent.Payload));
    hybrid.AddEffectHandler(Ordering.Effects.Charge, (effect, ct) => Record(effect.Intent.Kind, effect.Tenant, (string)effect.Intent.Payload));
    hybrid.ProcessorOptions.NodeId = node;
    hybrid.ProcessorOptions.LeaseDuration = TimeSpan.FromSeconds(2);
    hybrid.ProcessorOptions.RebalanceInterval = TimeSpan.FromMilliseconds(300);
    hybrid.ProcessorOptions.PollInterval = TimeSpan.FromMilliseconds(300);
    hybrid.ProcessorOptions.BatchSize = 4;
});
await builder.Build().RunAsync();

Task Record(string kind, string tenant, string order)
{
    lock (effectLog) File.AppendAllText(effectLog, $"{kind} {tenant} {order}\n");
    return Task.CompletedTask;
}
