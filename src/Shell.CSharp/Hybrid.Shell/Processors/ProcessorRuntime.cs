using Hybrid.Shell.Queries;
using Microsoft.Extensions.Logging;

namespace Hybrid.Shell.Processors;

/// <summary>
/// What every processor run on a node shares: the ports, the effect handlers, the clock and the options, and what
/// lookups read besides the store: read-model views and registered queries (null when the host has none).
/// </summary>
public sealed record ProcessorRuntime(
    IEventStore Store,
    ILeaseStore Leases,
    IDeadLetterStore DeadLetters,
    EffectHandlers Effects,
    TimeProvider Clock,
    ProcessorOptions Options,
    ILogger Logger,
    IReadModelViews? Views = null,
    QueryProcessor? Queries = null);
