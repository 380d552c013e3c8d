using Hybrid.Shell.Processors;
using Hybrid.Shell.Producers;
using Hybrid.Shell.ReadModels;
using Hybrid.Shell.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Hosting;

/// <summary>
/// What <see cref="HybridServiceCollectionExtensions.AddHybrid"/> configures: the stores, the read-model cache and
/// the application's definitions, processors, periodic tasks and effect handlers.
/// </summary>
public sealed class HybridBuilder(IServiceCollection services)
{
    internal Func<IServiceProvider, IEventStore>? EventStore;
    internal Func<IServiceProvider, ILeaseStore>? LeaseStore;
    internal Func<IServiceProvider, IDeadLetterStore>? DeadLetterStore;
    internal Func<IServiceProvider, IReadModelStore>? ReadModelCache;
    internal Func<IServiceProvider, ITenantCatalogue>? TenantCatalogue;
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

    /// <summary>How read models are cached and written back.</summary>
    public ReadModelEngineOptions ReadModelOptions { get; } = new();

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

    /// <summary>Uses this second-level read-model cache (LMDB or in memory); without one, read models live in memory only.</summary>
    public HybridBuilder UseReadModelCache(Func<IServiceProvider, IReadModelStore> factory)
    {
        ReadModelCache = factory;
        return this;
    }

    /// <summary>Registers a definition (command, query, decider, upcaster…) in the application's registry.</summary>
    public HybridBuilder AddDefinition(Definition definition)
    {
        Definitions.Add(definition);
        return this;
    }

    /// <summary>Registers a read model, served by the read-model engine.</summary>
    public HybridBuilder AddReadModel(ReadModelDefinition model)
    {
        ReadModels.Add(model);
        return this;
    }

    /// <summary>Registers a todo processor.</summary>
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

    /// <summary>Registers a periodic task.</summary>
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
}
