using Hybrid.Shell.Commands;
using Hybrid.Shell.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace Hybrid.Shell.Http;

/// <summary>What the HTTP adapter serves and how it resolves callers.</summary>
public sealed class HybridHttpOptions
{
    /// <summary>Runs the commands.</summary>
    public required CommandProcessor Commands { get; init; }

    /// <summary>Runs the queries; none served when null.</summary>
    public QueryProcessor? Queries { get; init; }

    /// <summary>The application's registry, served as introspection JSON.</summary>
    public required Registry Registry { get; init; }

    /// <summary>Resolves tenant and identity (headers by default).</summary>
    public ICallerResolver Callers { get; init; } = new HeaderCallerResolver();

    /// <summary>Read-model views for read-your-writes responses; none when null.</summary>
    public IReadModelViews? Views { get; init; }

    /// <summary>The longest read-your-writes wait a request may ask for (<c>waitMs</c>); a longer one is refused.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest request body accepted, in bytes (1 MiB by default); a larger one is answered 413.</summary>
    public int MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>The Retry-After of a 503 answered because the store is unavailable or timed out.</summary>
    public TimeSpan UnavailableRetryAfter { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The options of the application registered with <c>AddHybrid</c>: its command and query processors, registry and
    /// read-model views, and the <see cref="ICallerResolver"/> in the container (headers when none is registered).
    /// </summary>
    public static HybridHttpOptions FromServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new HybridHttpOptions
        {
            Commands = services.GetRequiredService<CommandProcessor>(),
            Queries = services.GetRequiredService<QueryProcessor>(),
            Registry = services.GetRequiredService<Registry>(),
            Views = services.GetRequiredService<IReadModelViews>(),
            Callers = services.GetService<ICallerResolver>() ?? new HeaderCallerResolver(),
        };
    }
}
