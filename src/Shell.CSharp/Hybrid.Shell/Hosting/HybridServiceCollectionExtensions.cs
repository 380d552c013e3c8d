using Hybrid.Shell.Commands;
using Hybrid.Shell.Ids;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Middleware;
using Hybrid.Shell.Operations;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Queries;
using Hybrid.Shell.Producers;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Hosting;

/// <summary>Registers Hybrid in a Microsoft.Extensions.Hosting application: the one wiring call a host needs.</summary>
public static class HybridServiceCollectionExtensions
{
    /// <summary>
    /// Adds Hybrid for an application's registry: the stores chosen in <paramref name="configure"/> (<c>UseInMemory()</c>,
    /// <c>UsePostgres(dataSource)</c>, …), the event store read through the registry's upcasters, the
    /// <see cref="CommandProcessor"/> (with command metrics) and <see cref="QueryProcessor"/>, the read-model engine
    /// with the registry's read models, the todo-processor host (one per processor partition when chosen) with its processors (process managers and producers
    /// included), the periodic scheduler with its tasks, the deadline scheduler of the process managers, the tenant
    /// catalogue when one was chosen, the crypto-shredding decorator over the store when <c>UseCryptoShredding</c> was called, the dead-letter operations and the operator's <see cref="HybridOperations"/>, retention
    /// (the builder's policies, run per tenant as the periodic task <see cref="Retention.TaskName"/>), one hosted service that starts and stops them gracefully, and a health
    /// check named "hybrid". Loggers come from the host's logging; time from the registered
    /// <see cref="TimeProvider"/> (the system clock unless one is registered first).
    /// Throws an <see cref="InvalidOperationException"/> when no event, lease or dead-letter store was chosen.
    /// </summary>
    public static IServiceCollection AddHybrid(this IServiceCollection services, Registry registry, Action<HybridBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new HybridBuilder(services);
        configure(builder);
        var storeFactory = builder.EventStore ?? throw Missing("an event store", "UseEventStore, UseInMemory or UsePostgres");
        var leaseStore = builder.LeaseStore ?? throw Missing("a lease store", "UseLeaseStore, UseInMemory or UsePostgres");
        var deadLetters = builder.DeadLetterStore ?? throw Missing("a dead-letter store", "UseDeadLetterStore, UseInMemory or UsePostgres");
        builder.ProcessorOptions.Validate();
        builder.SchedulerOptions.Validate();
        builder.DeadlineOptions.Validate();
        var retention = builder.RetentionOptions;
        retention.Validate();
        if (retention.Policies.Count > 0) builder.PeriodicTasks.Add(Retention.task(retention.Schedule, retention.Tenants));
        var application = Complete(registry, builder);
        var upcasters = WriteSide.upcasters(application).ToArray();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdSource>(sp => new UuidV7IdSource(sp.GetRequiredService<TimeProvider>()));
        if (builder.SubjectKeyStore is { } keyStore)
        {
            services.AddSingleton(keyStore);
            var masterKey = builder.ShreddingOptions.MasterKey;
            services.AddSingleton<ITenantTagKeys>(sp => new SubjectStoreTagKeys(masterKey is null
                ? sp.GetRequiredService<ISubjectKeyStore>()
                : new MasterKeySubjectKeyStore(sp.GetRequiredService<ISubjectKeyStore>(), masterKey)));
        }
        if (upcasters.Length == 0 && builder.PersonalData is null) services.AddSingleton(storeFactory);
        else
        {
            services.AddSingleton(sp => new InnerEventStore(storeFactory(sp)));
            if (builder.PersonalData is { } policy) AddShredding(services, builder, policy);
            services.AddSingleton<IEventStore>(sp =>
            {
                var store = sp.GetService<CryptoShreddingEventStore>() ?? sp.GetRequiredService<InnerEventStore>().Store;
                return upcasters.Length == 0 ? store : new UpcastingEventStore(store, upcasters);
            });
        }
        services.AddSingleton(leaseStore);
        services.AddSingleton(deadLetters);
        services.AddSingleton(application);
        if (builder.TenantCatalogue is { } catalogue) services.AddSingleton(catalogue);
        services.AddSingleton(sp => new EffectHandlers(sp.GetServices<IEffectHandler>()));
        services.AddSingleton(sp => new ProcessorRuntime(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<ILeaseStore>(),
            sp.GetRequiredService<IDeadLetterStore>(), sp.GetRequiredService<EffectHandlers>(), sp.GetRequiredService<TimeProvider>(),
            builder.ProcessorOptions, sp.GetRequiredService<ILoggerFactory>().CreateLogger<TodoProcessorHost>(),
            sp.GetRequiredService<IReadModelViews>(), sp.GetService<QueryProcessor>()));
        var processors = Runtime.processors(application).ToArray();
        services.AddSingleton<IReadOnlyList<ProducerRegistration>>(sp => builder.Producers.Select(p => new ProducerRegistration(p.Producer, p.Publisher(sp))).ToArray());
        if (builder.ProcessorPartitions is { } partitions)
            services.AddSingleton(sp => new ProcessorHosts(sp.GetRequiredService<ProcessorRuntime>(), partitions(sp), processors,
                sp.GetRequiredService<IReadOnlyList<ProducerRegistration>>()));
        else
        {
            services.AddSingleton(sp => new TodoProcessorHost(sp.GetRequiredService<ProcessorRuntime>(), processors,
                sp.GetRequiredService<IReadOnlyList<ProducerRegistration>>()));
            services.AddSingleton(sp => new ProcessorHosts(sp.GetRequiredService<TodoProcessorHost>()));
        }
        services.AddSingleton(sp => new DeadLetterOperations(sp.GetRequiredService<ProcessorRuntime>(), processors,
            sp.GetRequiredService<IReadOnlyList<ProducerRegistration>>()));
        services.AddSingleton(sp => new HybridOperations(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<ILeaseStore>(),
            sp.GetRequiredService<IDeadLetterStore>(), sp.GetRequiredService<DeadLetterOperations>(), sp.GetRequiredService<ReadModelEngine>(),
            sp.GetRequiredService<TodoProcessorHost>().Processors, sp.GetRequiredService<TimeProvider>(), sp.GetService<ITenantCatalogue>(),
            sp.GetService<CryptoShreddingEventStore>())
        {
            Retention = sp.GetRequiredService<RetentionJob>(),
        });
        // Retention reads and purges the stored events (the store under any upcasting decorator).
        services.AddSingleton(sp => new RetentionJob(sp.GetService<InnerEventStore>()?.Store ?? sp.GetRequiredService<IEventStore>(),
            retention.Policies.ToArray(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IIdSource>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RetentionJob>()));
        services.AddSingleton(sp => new PeriodicScheduler(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
            sp.GetRequiredService<TimeProvider>(), Runtime.periodicTasks(application), builder.SchedulerOptions,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<PeriodicScheduler>(), sp.GetService<ITenantCatalogue>(),
            retention.Policies.Count == 0 ? null : new Dictionary<string, TickJob> { [Retention.TaskName] = sp.GetRequiredService<RetentionJob>().RunTickAsync }));
        services.AddSingleton(sp => new DeadlineScheduler(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
            sp.GetRequiredService<TimeProvider>(), builder.ProcessManagers, builder.DeadlineOptions,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<DeadlineScheduler>()));
        // The container owns the cache, so it is closed after the engine (created before it) flushed into it.
        if (builder.ReadModelCache is { } cache) services.AddSingleton(cache);
        services.AddSingleton(sp => new ReadModelEngine(sp.GetRequiredService<IEventStore>(), Runtime.readModels(application),
            sp.GetService<IReadModelStore>(), builder.ReadModelOptions, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReadModelEngine>>()));
        services.AddSingleton<IReadModelViews>(sp => sp.GetRequiredService<ReadModelEngine>());
        if (builder.CommandMetrics) services.AddSingleton<ICommandMiddleware, CommandMetricsMiddleware>();
        services.AddSingleton(sp => new CommandProcessor(sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<IIdSource>(),
            CommandCatalog.Of(application), builder.CommandOptions, sp.GetServices<ICommandMiddleware>(), sp.GetServices<ICommitTrigger>(),
            logger: sp.GetRequiredService<ILogger<CommandProcessor>>(), clock: sp.GetRequiredService<TimeProvider>(),
            tagKeys: sp.GetService<ITenantTagKeys>()));
        services.AddSingleton(sp => QueryProcessor.Of(application, sp.GetRequiredService<IEventStore>(), sp.GetRequiredService<ReadModelEngine>()));
        services.AddHostedService<HybridHostedService>();
        services.AddHealthChecks().AddCheck<HybridHealthCheck>("hybrid");
        return services;
    }

    /// <summary>
    /// Adds Hybrid with no registry: every definition comes from <paramref name="configure"/>
    /// (<c>AddDefinition</c>, <c>AddProcessor</c>…). See <see cref="AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>.
    /// </summary>
    public static IServiceCollection AddHybrid(this IServiceCollection services, Action<HybridBuilder> configure) =>
        services.AddHybrid(RegistryModule.empty, configure);

    /// <summary>The shredding decorator over the chosen store, with the chosen key store (wrapped when a master key is set).</summary>
    private static void AddShredding(IServiceCollection services, HybridBuilder builder, PersonalDataPolicy policy)
    {
        if (builder.SubjectKeyStore is null)
            throw Missing("subject key store for UseCryptoShredding", "UseSubjectKeyStore, or a store choice that brings one (UseInMemory, UsePostgres, UseEmbeddedStore)");
        var masterKey = builder.ShreddingOptions.MasterKey;
        services.AddSingleton(sp =>
        {
            var inner = sp.GetRequiredService<InnerEventStore>().Store;
            var keys = sp.GetRequiredService<ISubjectKeyStore>();
            return new CryptoShreddingEventStore(inner, policy, masterKey is null ? keys : new MasterKeySubjectKeyStore(keys, masterKey),
                sp.GetRequiredService<IIdSource>());
        });
    }

    private static InvalidOperationException Missing(string what, string how) =>
        new($"AddHybrid: no {what} was chosen; call {how}.");

    /// <summary>The registry with what the builder added beyond it.</summary>
    private static Registry Complete(Registry registry, HybridBuilder builder)
    {
        foreach (var definition in builder.Definitions) registry = RegistryModule.add(definition, registry);
        foreach (var model in builder.ReadModels) registry = Runtime.addReadModel(model, registry);
        foreach (var processor in builder.Processors) registry = Runtime.addProcessor(processor, registry);
        foreach (var (producer, _) in builder.Producers) registry = Runtime.addProducer(producer, registry);
        foreach (var task in builder.PeriodicTasks) registry = Runtime.addPeriodicTask(task, registry);
        return registry;
    }
}
