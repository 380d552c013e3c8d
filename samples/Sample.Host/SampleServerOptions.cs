using Hybrid.Shell.Hosting;
using Hybrid.Shell.Processors;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>
/// What <see cref="SampleServer"/> hosts: where the events are (PostgreSQL, or the embedded store in the data
/// directory), where the LMDB cache is, where it listens, which node it is.
/// </summary>
public sealed record SampleServerOptions
{
    /// <summary>
    /// The owner's PostgreSQL connection string: it migrates the schema and creates the application role. Null runs on
    /// the embedded store in <see cref="EventStoreDirectory"/>, with no database server.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>Where to listen; a port of 0 picks a free one (see <see cref="SampleServer.Address"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The password of the application role (hybrid_app) the service connects as: set when the migration creates the
    /// role, never changed after. No default: null connects without one (trust or peer authentication).
    /// </summary>
    public string? AppPassword { get; init; }

    /// <summary>
    /// This node's id in the lease store: processes on one database with different ids share the work. Null gives
    /// <see cref="ResolvedNodeId"/>, stable for this machine and data directory.
    /// </summary>
    public string? NodeId { get; init; }

    /// <summary>
    /// The data directory: the LMDB read-model cache, and (without <see cref="Postgres"/>) the embedded event store in
    /// its events/ folder. Null picks <see cref="SampleDataDirectory.Default"/> for the database; the embedded store needs one.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Called after each effect is performed (and logged): tests observe effects here.</summary>
    public Func<EffectContext, CancellationToken, Task>? OnEffect { get; init; }

    /// <summary>Replaces the logging set-up (single-line console by default).</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>Adjusts the hosting layer after the sample configured it (lease durations, polling…).</summary>
    public Action<HybridBuilder>? Tune { get; init; }

    /// <summary>The data directory in use: <see cref="DataDirectory"/>, or the default for the database.</summary>
    public string ResolvedDataDirectory => DataDirectory
        ?? (Postgres is { } postgres ? SampleDataDirectory.Default(postgres) : throw new InvalidOperationException("The embedded store needs a data directory."));

    /// <summary>True when the events are in the embedded store (no PostgreSQL).</summary>
    public bool Embedded => Postgres is null;

    /// <summary>Where the embedded event store lives: the events/ folder of the data directory.</summary>
    public string EventStoreDirectory => SampleDataDirectory.EventStore(ResolvedDataDirectory);

    /// <summary>
    /// The node id in use: <see cref="NodeId"/>, or one derived from the machine and <see cref="ResolvedDataDirectory"/>
    /// (<see cref="NodeIdentity.For"/>), the same on every restart, so a restarted node takes its leases back at once. A
    /// data directory is held by one process at a time, so two live processes never share it.
    /// </summary>
    public string ResolvedNodeId => NodeId ?? NodeIdentity.For(ResolvedDataDirectory);
}
