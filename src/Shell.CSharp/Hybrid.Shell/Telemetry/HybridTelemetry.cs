namespace Hybrid.Shell.Telemetry;

/// <summary>
/// The names of Hybrid's activity sources and meters, for OpenTelemetry (<c>AddHybridInstrumentation()</c> in
/// Hybrid.Shell.OpenTelemetry adds them all) or any <see cref="System.Diagnostics.ActivityListener"/>.
/// </summary>
public static class HybridTelemetry
{
    /// <summary>Spans of commands (<c>command {name}</c>) and their metrics (<c>hybrid.commands</c>, <c>hybrid.command.duration</c>).</summary>
    public const string Commands = "Hybrid.Commands";

    /// <summary>Spans of queries (<c>query {name}</c>) and their metrics (<c>hybrid.queries</c>, <c>hybrid.query.duration</c>).</summary>
    public const string Queries = "Hybrid.Queries";

    /// <summary>
    /// Spans of processors (<c>hybrid.processor.handle</c>, <c>hybrid.effect {kind}</c>) and of the periodic scheduler
    /// (<c>hybrid.scheduler.fire</c>), and their counters (<c>hybrid.processor.*</c>, <c>hybrid.scheduler.*</c>).
    /// </summary>
    public const string Processors = "Hybrid.Processors";

    /// <summary>The counters of producers publishing to a broker (<c>hybrid.producer.published</c>).</summary>
    public const string Producers = "Hybrid.Producers";

    /// <summary>
    /// Spans of the shell's appends (<c>hybrid.store.append</c>, under the command's or scheduler's span, whatever the
    /// store) and their metrics (<c>hybrid.store.appended_events</c>, <c>hybrid.store.append.duration</c>).
    /// </summary>
    public const string Store = "Hybrid.Store";

    /// <summary>
    /// The read-model caches' counters (<c>hybrid.read_model.cache.hits</c>, <c>hybrid.read_model.cache.misses</c> by
    /// <c>hybrid.cache_level</c>, <c>hybrid.read_model.events_folded</c>).
    /// </summary>
    public const string ReadModels = "Hybrid.ReadModels";

    /// <summary>Every activity source Hybrid starts spans on.</summary>
    public static IReadOnlyList<string> ActivitySourceNames { get; } = [Commands, Queries, Processors, Store];

    /// <summary>Every meter Hybrid records on.</summary>
    public static IReadOnlyList<string> MeterNames { get; } = [Commands, Queries, Processors, Producers, Store, ReadModels];
}
