using Hybrid.Shell.Hosting;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>The sample application as the hosting layer sees it: its definitions, processors, periodic tasks and effects.</summary>
public static class SampleHybrid
{
    /// <summary>
    /// Adds the sample's commands and queries, read models, processors, the invite-reminders process manager and the
    /// monthly billing task, and effect
    /// handlers that log each email sent and card charged, then tell <paramref name="observer"/>.
    /// </summary>
    public static HybridBuilder AddSampleApplication(this HybridBuilder hybrid, Func<EffectContext, CancellationToken, Task>? observer = null)
    {
        foreach (var kind in new[] { DefinitionKind.Command, DefinitionKind.Query })
            foreach (var definition in RegistryModule.ofKind(kind, Definitions.registry))
                hybrid.AddDefinition(definition);
        foreach (var model in Definitions.readModels) hybrid.AddReadModel(model);
        foreach (var processor in Definitions.processors) hybrid.AddProcessor(processor);
        foreach (var manager in Definitions.processManagers) hybrid.AddProcessManager(manager);
        foreach (var task in Definitions.periodicTasks) hybrid.AddPeriodicTask(task);
        foreach (var kind in new[] { Effects.SendEmail, Effects.ChargeCard })
            hybrid.Services.AddSingleton<IEffectHandler>(sp =>
                new LoggingEffectHandler(kind, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Hybrid.Sample.Effects"), observer));
        return hybrid;
    }
}
