using Hybrid.Shell.Commands;
using Hybrid.Shell.Lifecycle;
using Hybrid.Shell.Processors;
using Hybrid.Shell.Producers;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// What <see cref="HybridServiceCollectionExtensions.AddHybrid(IServiceCollection, Registry, Action{HybridBuilder})"/>
/// configures: the stores, the read-model cache, options, effect handlers, and definitions beyond the registry's.
/// Every method returns the builder; options are plain settable properties, also reachable through
/// <c>Processors(o => …)</c>-style calls that F# lambdas can write.
/// </summary>
public sealed partial class HybridBuilder(IServiceCollection services)
{
    internal Func<IServiceProvider, IEventStore>? EventStore;
    internal Func<IServiceProvider, ILeaseStore>? LeaseStore;
    internal Func<IServiceProvider, IDeadLetterStore>? DeadLetterStore;
    internal Func<IServiceProvider, IReadModelStore>? ReadModelCache;
    internal Func<IServiceProvider, ITenantCatalogue>? TenantCatalogue;
    internal Func<IServiceProvider, IReadOnlyList<ProcessorPartition>>? ProcessorPartitions;
    internal readonly List<TodoProcessor> Processors = [];
    internal readonly List<PeriodicTask> PeriodicTasks = [];
    internal readonly List<ProcessManager> ProcessManagers = [];
    internal readonly List<(Producer Producer, Func<IServiceProvider, IIntegrationPublisher> Publisher)> Producers = [];
    internal readonly List<ReadModelDefinition> ReadModels = [];
    internal readonly List<Definition> Definitions = [];

    /// <summary>The service collection, for registrations of the host's own.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>How processors run on this node (node id, leases, batches, polling).</summary>
    public ProcessorOptions ProcessorOptions { get; } = new();

    /// <summary>How periodic tasks are scheduled on this node.</summary>
    public SchedulerOptions SchedulerOptions { get; } = new();

    /// <summary>How process-manager deadlines are fired on this node.</summary>
    public DeadlineOptions DeadlineOptions { get; } = new();

    /// <summary>Retention policies and when they run (none by default).</summary>
    public RetentionOptions RetentionOptions { get; } = new();

    /// <summary>How read models are cached and written back.</summary>
    public ReadModelEngineOptions ReadModelOptions { get; } = new();

    /// <summary>How commands retry conflicts and wait for migrating aggregates.</summary>
    public CommandProcessorOptions CommandOptions { get; } = new();

    /// <summary>Whether commands are counted and timed on the <c>Hybrid.Commands</c> meter (on by default).</summary>
    public bool CommandMetrics { get; set; } = true;

    /// <summary>Uses this event store (which also holds processor checkpoints).</summary>
    public HybridBuilder UseEventStore(Func<IServiceProvider, IEventStore> factory)
    {
        EventStore = factory;
        return this;
    }

    /// <summary>Uses this lease store for processor leases and node heartbeats.</summary>
    public HybridBuilder UseLeaseStore(Func<IServiceProvider, ILeaseStore> factory)
    {
        LeaseStore = factory;
        return this;
    }

    /// <summary>Uses this dead-letter store.</summary>
    public HybridBuilder UseDeadLetterStore(Func<IServiceProvider, IDeadLetterStore> factory)
    {
        DeadLetterStore = factory;
        return this;
    }

    /// <summary>Uses this tenant catalogue: periodic tasks for all tenants fire for its tenants too, events or not.</summary>
    public HybridBuilder UseTenantCatalogue(Func<IServiceProvider, ITenantCatalogue> factory)
    {
        TenantCatalogue = factory;
        return this;
    }

    /// <summary>
    /// Runs one processor host per partition (a database of a tenancy map) instead of one over every tenant: each
    /// shares its partition's work fairly between nodes through the partition's leases, and stalls alone when its
    /// database is down.
    /// </summary>
    public HybridBuilder UseProcessorPartitions(Func<IServiceProvider, IReadOnlyList<ProcessorPartition>> factory)
    {
        ProcessorPartitions = factory;
        return this;
    }

    /// <summary>Uses this second-level read-model cache (LMDB or in memory); without one, read models live in memory only.</summary>
    public HybridBuilder UseReadModelCache(Func<IServiceProvider, IReadModelStore> factory)
    {
        ReadModelCache = factory;
        return this;
    }

    /// <summary>Sets processor options (node id, leases, batches, polling).</summary>
    public HybridBuilder Processing(Action<ProcessorOptions> configure)
    {
        configure(ProcessorOptions);
        return this;
    }

    /// <summary>Sets periodic-scheduler options.</summary>
    public HybridBuilder Scheduling(Action<SchedulerOptions> configure)
    {
        configure(SchedulerOptions);
        return this;
    }

    /// <summary>
    /// Purges events of <paramref name="eventType"/> older than <paramref name="maxAge"/> in every tenant, on the retention
    /// schedule (hourly unless <see cref="Retention(Action{RetentionOptions})"/> sets another), with an audit event per purge.
    /// </summary>
    public HybridBuilder AddRetentionPolicy(string eventType, TimeSpan maxAge)
    {
        RetentionOptions.Policies.Add(new RetentionPolicy(eventType, maxAge));
        return this;
    }

    /// <summary>Sets retention options (policies, schedule, tenants).</summary>
    public HybridBuilder Retention(Action<RetentionOptions> configure)
    {
        configure(RetentionOptions);
        return this;
    }

    /// <summary>Sets read-model engine options (memory cache, write-back, batches).</summary>
    public HybridBuilder ReadModelCaching(Action<ReadModelEngineOptions> configure)
    {
        configure(ReadModelOptions);
        return this;
    }

    /// <summary>Sets command options (retries on conflict, waits for migrating aggregates).</summary>
    public HybridBuilder Commands(Action<CommandProcessorOptions> configure)
    {
        configure(CommandOptions);
        return this;
    }

    /// <summary>Registers a definition (command, query, decider, upcaster…) beyond the registry's.</summary>
    public HybridBuilder AddDefinition(Definition definition)
    {
        Definitions.Add(definition);
        return this;
    }

    /// <summary>Registers a read model beyond the registry's, served by the read-model engine.</summary>
    public HybridBuilder AddReadModel(ReadModelDefinition model)
    {
        ReadModels.Add(model);
        return this;
    }

    /// <summary>Registers a todo processor beyond the registry's.</summary>
    public HybridBuilder AddProcessor(TodoProcessor processor)
    {
        Processors.Add(processor);
        return this;
    }

    /// <summary>
    /// Registers a process manager: it runs as a todo processor of its name (leases, checkpoints, retries and dead
    /// letters as any processor's), and this node's deadline scheduler fires its deadlines.
    /// </summary>
    public HybridBuilder AddProcessManager(ProcessManager manager)
    {
        var problems = ProcessManagerModule.problems(manager);
        if (!problems.IsEmpty) throw new ArgumentException(string.Join(" ", problems), nameof(manager));
        ProcessManagers.Add(manager);
        Processors.Add(ProcessManagerModule.toProcessor(manager));
        return this;
    }

    /// <summary>
    /// Registers a producer: its events are published to the broker behind <paramref name="publisher"/>, under the
    /// processors' leases, checkpoints and dead letters.
    /// </summary>
    public HybridBuilder AddProducer(Producer producer, Func<IServiceProvider, IIntegrationPublisher> publisher)
    {
        Producers.Add((producer, publisher));
        return this;
    }

    /// <summary>Registers a periodic task beyond the registry's.</summary>
    public HybridBuilder AddPeriodicTask(PeriodicTask task)
    {
        PeriodicTasks.Add(task);
        return this;
    }

    /// <summary>Registers an effect handler resolved from the container.</summary>
    public HybridBuilder AddEffectHandler<THandler>() where THandler : class, IEffectHandler
    {
        Services.AddSingleton<IEffectHandler, THandler>();
        return this;
    }

    /// <summary>Registers an effect handler made of a delegate.</summary>
    public HybridBuilder AddEffectHandler(string kind, Func<EffectContext, CancellationToken, Task> handle)
    {
        Services.AddSingleton<IEffectHandler>(new DelegateEffectHandler(kind, handle));
        return this;
    }

    /// <summary>Registers an effect handler built from the container (its logger, clients…).</summary>
    public HybridBuilder AddEffectHandler(Func<IServiceProvider, IEffectHandler> factory)
    {
        Services.AddSingleton(factory);
        return this;
    }
}
