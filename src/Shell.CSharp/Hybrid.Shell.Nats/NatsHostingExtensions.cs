using Hybrid.Shell.Commands;
using Hybrid.Shell.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Nats;

/// <summary>Wiring for the broker topology: the broker connection, producers, command handlers and projectors.</summary>
public static class NatsHostingExtensions
{
    /// <summary>
    /// Registers the broker connection: resolving it never waits for the server, it connects and sets up the streams in
    /// the background (<see cref="NatsBroker.Start"/>), so a process whose broker is down at start still starts.
    /// </summary>
    /// <exception cref="InvalidInputException">The options can never work (<see cref="NatsBrokerOptions.Validate"/>), named.</exception>
    public static IServiceCollection AddNatsBroker(this IServiceCollection services, NatsBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return services.AddSingleton(sp => NatsBroker.Start(options, sp.GetService<ILoggerFactory>()?.CreateLogger<NatsBroker>()));
    }

    /// <summary>Publishes the producer's events to the broker (needs <see cref="AddNatsBroker"/>).</summary>
    public static HybridBuilder AddNatsProducer(this HybridBuilder hybrid, Producer producer) =>
        hybrid.AddProducer(producer, sp => new NatsJetStreamPublisher(sp.GetRequiredService<NatsBroker>()));

    /// <summary>Runs the commands sent through the broker with the registered <see cref="CommandProcessor"/>.</summary>
    public static IServiceCollection AddNatsCommandHandler(this IServiceCollection services)
    {
        services.AddSingleton(sp => new NatsCommandHandler(sp.GetRequiredService<NatsBroker>(), sp.GetRequiredService<CommandProcessor>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILoggerFactory>().CreateLogger<NatsCommandHandler>()));
        services.AddHostedService(sp => new Lifetime(ct => sp.GetRequiredService<NatsCommandHandler>().StartAsync(ct),
            () => sp.GetRequiredService<NatsCommandHandler>().StopAsync()));
        return services;
    }

    /// <summary>
    /// Keeps the read models from the broker's event stream (<see cref="NatsProjector"/>), also as <see cref="IReadModelViews"/>;
    /// durable in the store <paramref name="durable"/> gives (e.g. the LMDB read-model cache in a data directory), else in memory.
    /// </summary>
    public static IServiceCollection AddNatsProjector(this IServiceCollection services, IEnumerable<ReadModelDefinition> models,
        Func<IServiceProvider, IReadModelStore>? durable = null)
    {
        var list = models.ToArray();
        services.AddSingleton(sp => new NatsProjector(sp.GetRequiredService<NatsBroker>(), list, sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<NatsProjector>(), durable?.Invoke(sp)));
        services.AddSingleton<IReadModelViews>(sp => sp.GetRequiredService<NatsProjector>());
        services.AddHostedService(sp => new Lifetime(ct => sp.GetRequiredService<NatsProjector>().StartAsync(ct),
            () => sp.GetRequiredService<NatsProjector>().DisposeAsync().AsTask()));
        return services;
    }

    private sealed class Lifetime(Func<CancellationToken, Task> start, Func<Task> stop) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => start(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => stop();
    }
}
