using Hybrid.Shell.Ids;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Queries;
using Hybrid.Shell.Producers;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.FSharp.Collections;

namespace Hybrid.Shell.Hosting;

/// <summary>Registers Hybrid in a Microsoft.Extensions.Hosting application.</summary>
public static class HybridServiceCollectionExtensions
{
    /// <summary>
    /// Adds Hybrid: the event store, lease and dead-letter stores (and tenant catalogue) chosen in
    /// <paramref name="configure"/>, the registry, the read-model engine, the todo-processor host (process managers
    /// included), the periodic and deadline schedulers, the dead-letter operations, one hosted
    /// service that starts them and stops them gracefully, and a health check named "hybrid".
    /// Throws an <see cref="InvalidOperationException"/> when no event, lease or dead-letter store was chosen.
    /// </summary>
    public static IServiceCollection AddHybrid(this IServiceCollection services, Action<HybridBuilder> configure)
    {
        var builder = new HybridBuilder(services);
        configure(builder);
        var eventStore = builder.EventStore ?? throw Missing("an event store", "UseEventStore, UseInMemory or UsePostgres");
        var leaseStore = builder.LeaseStore ?? throw Missing("a lease store", "UseLeaseStore, UseInMemory or UsePostgres");
        var deadLetters = builder.DeadLetterStore ?? throw Missing("a dead-letter store", "UseDeadLetterStore, UseInMemory or UsePostgres");
        builder.ProcessorOptions.Validate();
        builder.SchedulerOptions.Validate();
        builder.DeadlineOptions.Validate();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdSource>(sp => new UuidV7IdSource(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(eventStore);
        services.AddSingleton(leaseStore);
        services.AddSingleton(deadLetters);
        services.AddSingleton(RegistryOf(builder));
        if (builder.TenantCatalogue is { } catalogue) services.AddSingleton(catalogue);
        services.AddSingleton(sp => new EffectHandlers(sp.GetServices<IEffectHandler>()));
        services.AddSingleton(sp => new ProcessorRuntime(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<ILeaseStore>(),
            sp.GetRequiredService<IDeadLetterStore>(), sp.GetRequiredService<EffectHandlers>(), sp.GetRequiredService<TimeProvider>(),
            builder.ProcessorOptions, sp.GetRequiredService<ILoggerFactory>().CreateLogger<TodoProcessorHost>(),
            sp.GetRequiredService<IReadModelViews>(), sp.GetService<QueryProcessor>()));
        services.AddSingleton(sp => new TodoProcessorHost(sp.GetRequiredService<ProcessorRuntime>(), builder.Processors,
            builder.Producers.Select(p => new ProducerRegistration(p.Producer, p.Publisher(sp)))));
        services.AddSingleton(sp => new DeadLetterOperations(sp.GetRequiredService<ProcessorRuntime>(), builder.Processors));
        services.AddSingleton(sp => new PeriodicScheduler(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
            sp.GetRequiredService<TimeProvider>(), builder.PeriodicTasks, builder.SchedulerOptions,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PeriodicScheduler>(), sp.GetService<ITenantCatalogue>()));
        services.AddSingleton(sp => new DeadlineScheduler(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
            sp.GetRequiredService<TimeProvider>(), builder.ProcessManagers, builder.DeadlineOptions,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<DeadlineScheduler>()));
        services.AddSingleton(sp => new ReadModelEngine(sp.GetRequiredService<IEventStore>(), builder.ReadModels,
            builder.ReadModelCache?.Invoke(sp), builder.ReadModelOptions, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReadModelEngine>>()));
        services.AddSingleton<IReadModelViews>(sp => sp.GetRequiredService<ReadModelEngine>());
        services.AddHostedService<HybridHostedService>();
        services.AddHealthChecks().AddCheck<HybridHealthCheck>("hybrid");
        return services;
    }

    private static InvalidOperationException Missing(string what, string how) =>
        new($"AddHybrid: no {what} was chosen; call {how}.");

    private static Registry RegistryOf(HybridBuilder builder)
    {
        var registry = RegistryModule.empty;
        foreach (var definition in builder.Definitions) registry = RegistryModule.add(definition, registry);
        foreach (var p in builder.Processors)
            registry = RegistryModule.add(new Definition(DefinitionKind.Processor, p.Name,
                Describe(("topics", p.Topics.SelectMany(t => t.Types.Concat(t.Tags.Select(tag => $"tag {tag}"))))), p), registry);
        foreach (var (p, _) in builder.Producers)
            registry = RegistryModule.add(new Definition(DefinitionKind.Processor, p.Name,
                Describe(("publishes", p.Topics.SelectMany(t => t.Types.Concat(t.Tags.Select(tag => $"tag {tag}"))))), p), registry);
        foreach (var t in builder.PeriodicTasks)
            registry = RegistryModule.add(new Definition(DefinitionKind.PeriodicTask, t.Name,
                Describe(("schedule", [t.Schedule.ToString()]), ("missed", [t.MissedFires.ToString()])), t), registry);
        foreach (var m in builder.ReadModels)
            registry = RegistryModule.add(new Definition(DefinitionKind.ReadModel, m.Name, Describe(("events", m.EventTypes)), m), registry);
        return registry;
    }

    private static FSharpMap<string, FSharpList<string>> Describe(params (string Key, IEnumerable<string> Values)[] facts) =>
        new(facts.Select(f => Tuple.Create(f.Key, ListModule.OfSeq(f.Values))));
}
